/**
 * Notebook module resolution for a source checkout: package folder → `node_modules/gritloc` link to itself.
 * tslab type-checks cells with TypeScript's node10 resolution, which never resolves a package's own name, so
 * `import … from "gritloc"` in notebooks/ needs the package under node_modules like any installed dependency.
 */
import { lstat, symlink } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { GritlocError } from "../errors.js";

/** What `linkPackage` found or did. */
export interface PackageLink {
  /** `<root>/node_modules/gritloc`. */
  readonly path: string;
  /** "created" now; "present" already (a link or an install); "installed" when the root is itself a dependency. */
  readonly state: "created" | "present" | "installed";
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `import … from "gritloc"` resolve inside a source checkout by linking `node_modules/gritloc` → `..`.
 * An installed package (its root inside some node_modules) is found there already and is left alone.
 * @example
 * await linkPackage("/work/gritloc"); // { path: "/work/gritloc/node_modules/gritloc", state: "created" }
 */
export async function linkPackage(root: string): Promise<PackageLink> {
  const path = join(root, "node_modules", "gritloc");
  if (resolve(root).split(sep).includes("node_modules")) return { path, state: "installed" };
  if (await exists(path)) {
    // A link that points elsewhere (or a real install) is the user's choice; keep it.
    return { path, state: "present" };
  }
  try {
    await symlink("..", path, "dir");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another process made it between the check and the symlink: it points here too.
    if (code === "EEXIST") return { path, state: "present" };
    if (code === "ENOENT") {
      throw new GritlocError(
        "E_NOT_FOUND",
        `${join(root, "node_modules")} does not exist; run \`npm ci\` in ${root}.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  return { path, state: "created" };
}
