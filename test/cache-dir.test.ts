import assert from "node:assert/strict";
import { homedir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { defaultCacheDir } from "../src/cache-dir.js";

test("GRITLOC_CACHE wins, then XDG_CACHE_HOME/gritloc, then ~/.cache/gritloc", () => {
  assert.equal(defaultCacheDir({ GRITLOC_CACHE: "/c", XDG_CACHE_HOME: "/x" }), "/c");
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: "/x" }), join("/x", "gritloc"));
  assert.equal(defaultCacheDir({}), join(homedir(), ".cache", "gritloc"));
});
