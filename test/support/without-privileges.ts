/**
 * Permission tests that also work as root: `fn` runs with the effective user and group of nobody (65534)
 * when the test process is root (who may read and write anything), so a chmod-ed fixture denies access as it
 * does for a user; otherwise `fn` just runs. Import every module `fn` needs beforehand: nobody may not be
 * able to read tsx's cache.
 */
const NOBODY = 65534;

/**
 * @example
 * chmodSync(folder, 0o555);
 * await withoutPrivileges(() => main(["submit", ..., "--out", join(folder, "x.zip")], io));
 */
export async function withoutPrivileges<T>(fn: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0 || process.seteuid === undefined || process.setegid === undefined)
    return fn();
  process.setegid(NOBODY);
  process.seteuid(NOBODY);
  try {
    return await fn();
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}
