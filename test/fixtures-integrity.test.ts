/**
 * The reference data kept in test/fixtures is exactly what PROVENANCE.md says it is: every file listed in
 * SHA256SUMS exists with that digest, and no file is unlisted.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "./support/fixtures.js";

const root = join(REPO_ROOT, "test", "fixtures");
const UNLISTED = new Set(["SHA256SUMS", "PROVENANCE.md"]);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function readSums(): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of readFileSync(join(root, "SHA256SUMS"), "utf8").split("\n")) {
    if (line === "") continue;
    const match = /^([0-9a-f]{64}) {2}\.\/(.+)$/.exec(line);
    assert.ok(match, `malformed SHA256SUMS line: ${line}`);
    sums.set(match[2] as string, match[1] as string);
  }
  return sums;
}

test("every fixture file has the sha256 recorded in SHA256SUMS, and none is unlisted", () => {
  const sums = readSums();
  const files = listFiles(root)
    .map((file) => relative(root, file).split("\\").join("/"))
    .filter((file) => !UNLISTED.has(file));
  assert.ok(files.length > 400, `expected the full fixture set, found ${files.length} files`);
  assert.deepEqual([...files].sort(), [...sums.keys()].sort());
  for (const file of files) {
    const digest = createHash("sha256")
      .update(readFileSync(join(root, file)))
      .digest("hex");
    assert.equal(digest, sums.get(file), `${file} differs from its recorded sha256`);
  }
});
