/**
 * Where the gritloc package lives on disk (the folder holding its package.json, `dist/`, `kernels/`,
 * `notebooks/`), found from this module's own location: src/kernel/ or dist/kernel/ are two levels down.
 */
import { fileURLToPath } from "node:url";

/** The gritloc package folder (a source checkout, or `…/node_modules/gritloc` when installed). */
export function packageRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}
