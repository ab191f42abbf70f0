/**
 * QueryEmbeddingStore: one file per query text under a folder keyed by the text side, read back exactly, the
 * first stored row winning, damaged files replaced, and an unwritable cache costing only a warning.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type LogRecord, setLogHandler } from "../../../src/logger.js";
import { QueryEmbeddingStore } from "../../../src/models/regionclip/query-embedding-store.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-query-store-"));
after(() => rmSync(work, { recursive: true, force: true }));

const embedding = Float32Array.from([0.1, -2.5, 3.25e-7, 1e30]);

test("a stored embedding is read back bit for bit by another store on the same weights, not on other weights", async () => {
  const cache = join(work, "shared");
  await new QueryEmbeddingStore(cache, "sha-a:heads=8").keep("striped umbrella", embedding);
  const again = new QueryEmbeddingStore(cache, "sha-a:heads=8");
  assert.deepEqual(await again.read("striped umbrella", 4), embedding);
  assert.equal(await again.read("striped  umbrella", 4), undefined, "another text");
  assert.equal(await new QueryEmbeddingStore(cache, "sha-b:heads=8").read("striped umbrella", 4), undefined);
  assert.equal(await again.read("striped umbrella", 8), undefined, "another width");
  assert.equal(readdirSync(again.dir).length, 1, "one file, no temp left");
});

test("the first stored row wins: a second session's keep returns it, so both use the same row", async () => {
  const cache = join(work, "race");
  const first = new QueryEmbeddingStore(cache, "sha:heads=8");
  const second = new QueryEmbeddingStore(cache, "sha:heads=8");
  assert.equal(await first.keep("teapot", embedding), embedding);
  const other = Float32Array.from([9, 9, 9, 9]);
  assert.deepEqual(await second.keep("teapot", other), embedding);
  assert.deepEqual(await second.read("teapot", 4), embedding);
});

test("a damaged file reads as no embedding and is replaced by the next keep", async () => {
  const store = new QueryEmbeddingStore(join(work, "damaged"), "sha:heads=8");
  await store.keep("kettle", embedding);
  const [name] = readdirSync(store.dir);
  truncateSync(join(store.dir, name), 6);
  assert.equal(await store.read("kettle", 4), undefined);
  assert.deepEqual(await store.keep("kettle", embedding), embedding);
  assert.deepEqual(await store.read("kettle", 4), embedding);
});

test("a cache folder that cannot be written warns once and the run goes on", async () => {
  // A file where the store's folder must go: nobody, root included, can create the folder there.
  const blocker = join(work, "cache-is-a-file");
  writeFileSync(blocker, "");
  const store = new QueryEmbeddingStore(blocker, "sha:heads=8");
  const logs: LogRecord[] = [];
  const previous = setLogHandler((r) => logs.push(r));
  try {
    assert.equal(await store.keep("mug", embedding), embedding);
    await store.keep("cup", embedding);
  } finally {
    setLogHandler(previous);
  }
  const warnings = logs.filter((r) => r.level === "warn");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /query embeddings are not kept on disk .*cache-is-a-file/);
  assert.equal(await store.read("mug", 4), undefined);
});
