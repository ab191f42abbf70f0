import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, test } from "node:test";
import {
  AtomicFileWriter,
  atomicTempPath,
  writeChunksAtomic,
  writeFileAtomic,
  writeFileOnce,
} from "../src/atomic-file.js";
import { GritlocError, isGritlocError } from "../src/errors.js";
import { withoutPrivileges } from "./support/without-privileges.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-atomic-file-"));
chmodSync(tmp, 0o755); // nobody (see withoutPrivileges) must reach the read-only folder below
const readOnly = join(tmp, "read-only");
mkdirSync(readOnly);
chmodSync(readOnly, 0o555);
after(() => chmodSync(readOnly, 0o755));

/** The temp files left in `folder`. */
function leftovers(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith(".tmp"));
}

test("the temp name is a hidden .tmp sibling, fresh on every call", () => {
  const path = join(tmp, "out", "a.zip");
  const temp = atomicTempPath(path);
  assert.equal(dirname(temp), dirname(path));
  assert.match(basename(temp), new RegExp(`^\\.a\\.zip\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  assert.notEqual(atomicTempPath(path), temp);
});

test("writes a string or bytes, creating the folder, replacing an old file and leaving no temp file", async () => {
  const folder = join(tmp, "new", "folder");
  const path = join(folder, "out.json");
  await writeFileAtomic(path, "old");
  await writeFileAtomic(path, "{}\n");
  assert.equal(readFileSync(path, "utf8"), "{}\n");
  await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  assert.deepEqual(leftovers(folder), []);
});

test("chunks written in steps arrive in order; an aborted writer leaves nothing", async () => {
  const path = join(tmp, "chunks.bin");
  await writeChunksAtomic(path, async (write) => {
    await write(new Uint8Array([1, 2]));
    await write("ab");
    await write(new Uint8Array(0));
  });
  assert.deepEqual([...readFileSync(path)], [1, 2, 0x61, 0x62]);

  const aborted = join(tmp, "aborted.bin");
  const writer = await AtomicFileWriter.open(aborted);
  await writer.write("half");
  await writer.abort();
  assert.deepEqual(
    readdirSync(tmp).filter((name) => name.includes("aborted")),
    [],
  );
});

test("a failing producer leaves no target (an old one untouched) and no temp file; its error passes through", async () => {
  const folder = join(tmp, "failing");
  const fresh = join(folder, "fresh.bin");
  const old = join(folder, "old.bin");
  mkdirSync(folder);
  writeFileSync(old, "previous contents");
  const damaged = new GritlocError("E_CHECKSUM", "damaged");
  for (const path of [fresh, old]) {
    await assert.rejects(
      writeChunksAtomic(path, async (write) => {
        await write("half a file");
        throw damaged;
      }),
      (error) => error === damaged,
    );
  }
  assert.deepEqual(readdirSync(folder), ["old.bin"]);
  assert.equal(readFileSync(old, "utf8"), "previous contents");
});

test("an unwritable folder is E_FILE_ACCESS naming the target, never the temp file", async () => {
  const path = join(readOnly, "out.zip");
  const error = await withoutPrivileges(() =>
    writeFileAtomic(path, "x").then(
      () => undefined,
      (e) => e,
    ),
  );
  assert.ok(isGritlocError(error, "E_FILE_ACCESS"), String(error));
  assert.match(error.message, /^Permission denied: cannot write /);
  assert.ok(error.message.includes(path), error.message);
  assert.doesNotMatch(error.message, /\.tmp/);
  assert.deepEqual(readdirSync(readOnly), []);
});

test("writeFileOnce writes only where no file is: of writers racing for one path exactly one wins, whole", async () => {
  const dir = join(tmp, "once");
  const path = join(dir, "run.json");
  const wins = await Promise.all(["a", "b", "c", "d"].map((tag) => writeFileOnce(path, tag.repeat(4096))));
  assert.equal(wins.filter(Boolean).length, 1);
  const winner = ["a", "b", "c", "d"][wins.indexOf(true)];
  assert.equal(readFileSync(path, "utf8"), winner.repeat(4096));
  assert.equal(await writeFileOnce(path, "late"), false);
  assert.equal(readFileSync(path, "utf8"), winner.repeat(4096));
  assert.deepEqual(readdirSync(dir), ["run.json"], "no temp file left");
});
