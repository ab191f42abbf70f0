/**
 * Whether a path can be reached: path → true when `access` succeeds (links followed, so a dangling link
 * counts as absent). For "is it there yet" checks before reading, linking or fetching.
 */
import { access } from "node:fs/promises";

/**
 * True when `path` exists (file or folder, following links); never throws.
 * @example
 * if (!(await pathExists(join(runDir, "run.json")))) await createRun(runDir);
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
