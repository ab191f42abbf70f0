/**
 * Where gritloc keeps downloaded weights and built ONNX graphs: `$GRITLOC_CACHE`, else
 * `$XDG_CACHE_HOME/gritloc`, else `~/.cache/gritloc`.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** The default cache directory (not created here). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GRITLOC_CACHE) return env.GRITLOC_CACHE;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "gritloc");
  return join(homedir(), ".cache", "gritloc");
}
