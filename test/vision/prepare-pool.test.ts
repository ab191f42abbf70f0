/**
 * createPreparePool: worker-thread results equal in-thread `prepareImage` exactly (fixture photos in `slic/`),
 * errors come back as GritlocError for their own image only, and the pool's lifecycle is enforced.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { GritlocError, isGritlocError } from "../../src/errors.js";
import { type PreparedImage, type PrepareSpec, prepareImage } from "../../src/vision/prepare.js";
import { createPreparePool } from "../../src/vision/prepare-pool.js";
import { fixturePath } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-pool-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SPEC: PrepareSpec = {
  width: 224,
  height: 224,
  slic: { nSegments: [100, 600], compactness: 50, sigma: 0 },
};

function assertSamePrepared(actual: PreparedImage, expected: PreparedImage, what: string): void {
  assert.deepEqual(actual.sourceSize, expected.sourceSize, what);
  assert.deepEqual(actual.resized, expected.resized, `${what}: resized`);
  assert.equal(actual.labelMaps.length, expected.labelMaps.length, what);
  actual.labelMaps.forEach((map, k) => {
    assert.equal(map.count, expected.labelMaps[k].count, `${what}: map ${k} count`);
    assert.deepEqual(map.labels, expected.labelMaps[k].labels, `${what}: map ${k} labels`);
  });
}

test("the pool's results equal in-thread prepareImage, and a bad file in the stream rejects only its own promise", async () => {
  const bad = join(dir, "broken.jpg");
  writeFileSync(bad, "definitely not a jpeg");
  const sources: (string | Uint8Array)[] = [
    fixturePath("slic", "astronaut_orig.png"),
    fixturePath("slic", "coffee_orig.png"),
    bad,
    readFileSync(fixturePath("slic", "grit_localization_0_orig.png")),
    fixturePath("resize", "chelsea_crop.png"),
  ];
  const pool = createPreparePool({ threads: 2, maxInFlightPerWorker: 1 });
  try {
    const results = await Promise.allSettled(sources.map((s) => pool.prepare(s, SPEC)));
    for (const [i, result] of results.entries()) {
      if (i === 2) {
        assert.equal(result.status, "rejected");
        const error = (result as PromiseRejectedResult).reason;
        assert.ok(error instanceof GritlocError, "rebuilt as a GritlocError on the main thread");
        assert.equal(error.code, "E_IMAGE_DECODE");
        assert.ok(error.message.includes(bad), error.message);
        assert.deepEqual(error.details, { file: bad });
        continue;
      }
      assert.equal(result.status, "fulfilled", `source ${i}`);
      const prepared = (result as PromiseFulfilledResult<PreparedImage>).value;
      assert.ok(
        prepared.resized.data instanceof Uint8Array && prepared.labelMaps[0].labels instanceof Int32Array,
      );
      assertSamePrepared(prepared, await prepareImage(sources[i], SPEC), `source ${i}`);
    }
  } finally {
    await pool.close();
  }
});

test("close() waits for submitted images; prepare() afterwards rejects", async () => {
  const pool = createPreparePool({ threads: 1 });
  assert.equal(pool.threads, 1);
  const pending = pool.prepare(fixturePath("resize", "chelsea_crop.png"), { width: 32, height: 16 });
  await pool.close();
  assert.deepEqual((await pending).resized.width, 32);
  await assert.rejects(
    pool.prepare(fixturePath("resize", "chelsea_crop.png"), SPEC),
    /prepare\(\) was called after close\(\)/,
  );
});

test("the pool rejects bad options and bad arguments before any work", async () => {
  assert.throws(
    () => createPreparePool({ threads: 0 }),
    /Expected a positive integer for threads but received 0/,
  );
  assert.throws(
    () => createPreparePool({ maxInFlightPerWorker: 1.5 }),
    /positive integer for maxInFlightPerWorker/,
  );
  const pool = createPreparePool({ threads: 1 });
  try {
    await assert.rejects(pool.prepare(7 as never, SPEC), (e: unknown) =>
      isGritlocError(e, "E_INVALID_OPTION"),
    );
    await assert.rejects(pool.prepare("x.jpg", { width: -1, height: 2 }), /positive integer for spec.width/);
  } finally {
    await pool.close();
  }
});
