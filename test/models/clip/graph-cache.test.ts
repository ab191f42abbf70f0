import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { cachedGraph } from "../../../src/models/clip/graph-cache.js";

test("a graph cache folder that cannot be made (below /proc) fails at once with E_FILE_ACCESS", {
  timeout: 10_000,
}, async () => {
  const build = () => assert.fail("nothing is built before the folder exists");
  await assert.rejects(cachedGraph("/proc/gritloc-no-such-cache", "test", { k: 1 }, build), (error) => {
    assert.ok(isGritlocError(error, "E_FILE_ACCESS"));
    assert.match(error.message, /^cannot write \/proc\/gritloc-no-such-cache\/graphs: /);
    return true;
  });
});
