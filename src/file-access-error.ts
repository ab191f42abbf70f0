/**
 * Node file-system errors (errno codes) → a GritlocError that names the user's path and says what to do:
 * the one place that turns EACCES, EEXIST, ENOTDIR, EISDIR, ENOENT, EROFS, ENOSPC, … into E_FILE_ACCESS or
 * E_NOT_FOUND. The readers and writers the CLI commands go through call it; `src/cli/main.ts` uses it as
 * the last resort for any errno error that still gets through.
 */
import { statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { GritlocError } from "./errors.js";

export interface FileAccess {
  /** The user's path (the output or input they named), not a temp file the writer made beside it. */
  readonly path: string;
  /** What was being done to it ("open" where it is not known whether for reading or writing). */
  readonly action: "read" | "write" | "open";
  /** What the file is, for a missing input ("predictions file"). @default "file" */
  readonly what?: string;
}

/** The errno code of a Node file-system error, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** The error's own path when it is `path` or a folder above it (e.g. a file where a folder is needed). */
function culpritOf(error: unknown, path: string): string | undefined {
  const errorPath = (error as NodeJS.ErrnoException).path;
  if (typeof errorPath !== "string") return undefined;
  const rel = relative(resolve(errorPath), resolve(path));
  return !rel.startsWith("..") && !isAbsolute(rel) ? errorPath : undefined;
}

/** The file that stands where `path` or one of its folders should be (ENOTDIR names the whole path). */
function fileInTheWay(path: string): string | undefined {
  for (let current = path; ; current = dirname(current)) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(current);
    } catch {
      found = undefined; // absent, or below the file we are looking for
    }
    if (found !== undefined) return found.isDirectory() ? undefined : current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The GritlocError for a file-system error while reading or writing `access.path`, or `error` itself when it
 * is not an errno error (the caller rethrows what it gets). The error's own path is named only where it is a
 * folder above the user's path; a writer's temp file is never named.
 * @example
 * try { await readFile(path); } catch (error) { throw fileAccessError(error, { path, action: "read" }); }
 * // EACCES → GritlocError E_FILE_ACCESS "Permission denied: cannot read samples.json. …"
 */
export function fileAccessError(error: unknown, access: FileAccess): unknown {
  const code = errnoCode(error);
  if (code === undefined || error instanceof GritlocError) return error;
  const { path, action } = access;
  const what = access.what ?? "file";
  const culprit = culpritOf(error, path);
  const ancestor = culprit !== undefined && resolve(culprit) !== resolve(path) ? culprit : undefined;
  const cannot = `cannot ${action} ${path}`;
  const fail = (message: string) =>
    new GritlocError("E_FILE_ACCESS", message, { cause: error, details: { path, action, errno: code } });
  switch (code) {
    case "ENOENT":
      if (action !== "write")
        return new GritlocError("E_NOT_FOUND", `${what} not found: ${path}. Check the path.`, {
          cause: error,
          details: { path, action, errno: code },
        });
      return fail(
        `${cannot}: ${ancestor ?? "its folder"} does not exist and cannot be created there. ` +
          "Choose another location.",
      );
    case "EACCES":
    case "EPERM":
      return fail(
        `Permission denied: ${cannot}${ancestor === undefined ? "" : ` (no access to ${ancestor})`}. ` +
          `Choose a location you can ${action === "read" ? "read" : "write"}, or change its permissions.`,
      );
    case "EEXIST":
    case "ENOTDIR":
      return fail(
        `${cannot}: ${fileInTheWay(culprit ?? path) ?? culprit ?? "a part of the path"} is a file, not a folder. ` +
          "Choose another location, or move that file away.",
      );
    case "EISDIR":
      return fail(`${cannot}: it is a folder, not a file. Give the path of a file.`);
    case "EROFS":
      return fail(`${cannot}: the file system is read-only. Choose a writable location.`);
    case "ENOSPC":
    case "EDQUOT":
      return fail(`${cannot}: no space left on the device (or the disk quota is used up). Free some space.`);
    case "ENAMETOOLONG":
      return fail(`${cannot}: the path is too long.`);
    case "ELOOP":
      return fail(`${cannot}: the path has a loop of symbolic links.`);
    default:
      return fail(`${cannot}: the system refused it (${code}).`);
  }
}
