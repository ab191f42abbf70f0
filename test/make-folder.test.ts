import assert from "node:assert/strict";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isGritlocError } from "../src/errors.js";
import { makeFolder } from "../src/make-folder.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-make-folder-"));

test("makes the folder and its missing parents; concurrent calls and existing folders are fine", async () => {
  const deep = join(tmp, "a", "b", "c");
  await Promise.all([makeFolder(deep), makeFolder(deep), makeFolder(join(tmp, "a", "b"))]);
  assert.ok(statSync(deep).isDirectory());
  await makeFolder(deep);
});

test("a file in the way is E_FILE_ACCESS naming the path it was for and the file", async () => {
  const file = join(tmp, "file");
  writeFileSync(file, "x");
  const out = join(file, "sub", "out.zip");
  await assert.rejects(makeFolder(join(file, "sub"), out), (error) => {
    assert.ok(isGritlocError(error, "E_FILE_ACCESS"));
    assert.equal(
      error.message,
      `cannot write ${out}: ${file} is a file, not a folder. Choose another location, or move that file away.`,
    );
    return true;
  });
});

test("a file system that refuses new folders (below /proc) fails at once instead of looping", {
  timeout: 10_000,
}, async () => {
  await assert.rejects(makeFolder("/proc/gritloc-no-such-folder/run"), (error) => {
    assert.ok(isGritlocError(error, "E_FILE_ACCESS"));
    assert.match(error.message, /^cannot write \/proc\/gritloc-no-such-folder\/run: /);
    return true;
  });
});
