import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createLocalizer } from "../../../src/models/registry.js";
import type { SlicVitLocalizer } from "../../../src/models/slicvit/localizer.js";
import { regionLogitsPerMap } from "../../../src/models/slicvit/region-logits.js";
import { boxSearch } from "../../../src/vision/box-search.js";
import type { PreparedImage } from "../../../src/vision/prepare.js";
import { assertClose, maxAbsDiff } from "../../support/assert-close.js";
import { fixturePath, readF32 } from "../../support/fixtures.js";
import { slicVitCases, writeFixtureCheckpoint } from "../support/fixture-clip.js";
import { fixtureLabelMaps, fixtureResized } from "../support/fixture-labels.js";

// Fixture: slicvit/ — upstream SLICViT on the seed-0 random CLIP, 5 images × 3 queries. Inputs here are the
// reference resize and SLIC labels (slic/), so this checks the model path alone: safetensors + config → ONNX →
// onnxruntime-node → logits (≤ 1e-5), heatmaps (≤ 1e-3), boxes (exact). The CLI test runs the full pipeline.
const cases = slicVitCases();
const dir = mkdtempSync(join(tmpdir(), "gritloc-slicvit-"));
const checkpoint = writeFixtureCheckpoint(dir);
const vocab = fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz");
const spec = { family: "slicvit", weights: checkpoint.weights, config: checkpoint.config, vocab } as const;
const runtime = { provider: "cpu", cacheDir: join(dir, "cache") } as const;
let fp32: SlicVitLocalizer;

function prepared(image: (typeof cases.images)[number]): PreparedImage {
  const [height, width] = image.orig_hw;
  return {
    sourceSize: { width, height },
    resized: fixtureResized(image.name),
    labelMaps: fixtureLabelMaps(image.name),
  };
}

async function logitsOf(
  localizer: SlicVitLocalizer,
  image: PreparedImage,
  query: string,
): Promise<Float32Array> {
  const { index, embeddings } = await localizer.regionEmbeddings(image);
  const [text] = await localizer.textEmbeddings([query]);
  const perMap = regionLogitsPerMap(
    embeddings,
    text,
    localizer.dim,
    index,
    image.labelMaps.map((m) => m.count),
  );
  const flat = new Float32Array(index.maskCount);
  let at = 0;
  for (const logits of perMap) {
    flat.set(logits, at);
    at += logits.length;
  }
  return flat;
}

before(async () => {
  fp32 = (await createLocalizer(spec, runtime)) as SlicVitLocalizer;
});
after(() => fp32.dispose());

test("the localizer describes itself and asks for a 224² image with the seed SLIC pyramid", () => {
  assert.deepEqual(fp32.prepareSpec, {
    width: 224,
    height: 224,
    slic: { nSegments: [100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600], compactness: 50, sigma: 0 },
  });
  assert.equal(fp32.info.family, "slicvit");
  assert.equal(fp32.info.model, "clip-openai");
  assert.equal(fp32.info.provider, "cpu");
  assert.equal(fp32.info.paramsInMillions, 4);
  assert.equal(fp32.info.isSmoke, false);
  assert.match(fp32.info.optionsHash, /^[0-9a-f]{64}$/);
});

test("all 15 (image, query) pairs match upstream: logits ≤ 1e-5, heatmaps ≤ 1e-3, boxes identical", async () => {
  for (const image of cases.images) {
    const input = prepared(image);
    const results = await fp32.localize(
      input,
      image.queries.map((q) => q.query),
    );
    assert.equal(results.length, 3);
    for (const [i, q] of image.queries.entries()) {
      const what = `${image.name} "${q.query}"`;
      assertClose(
        await logitsOf(fp32, input, q.query),
        readF32("slicvit", q.logits),
        { atol: 1e-5 },
        `${what} logits`,
      );
      const r = results[i];
      assert.ok(r.heatmap !== undefined);
      assertClose(r.heatmap.data, readF32("slicvit", q.heatmap), { atol: 1e-3 }, `${what} heatmap`);
      assert.deepEqual(boxSearch(r.heatmap, { alpha: 0.75 }), q.box_224, `${what} box_224`);
      assert.deepEqual(r.boxes, [q.bbox_orig], `${what} bbox_orig`);
      assert.deepEqual([r.confidence, r.scores], [0.5, [0.5]], `${what} paper mode`);
    }
  }
  assert.ok(fp32.lastTimings !== undefined && fp32.lastTimings.vision >= 0);
});

test("region embeddings are computed once per image and text embeddings once per query", async () => {
  const input = prepared(cases.images[0]);
  const first = await fp32.regionEmbeddings(input);
  assert.equal(await fp32.regionEmbeddings(input), first);
  const [a] = await fp32.textEmbeddings(["person"]);
  const [b, c] = await fp32.textEmbeddings(["person", "person"]);
  assert.equal(a, b);
  assert.equal(b, c);
});

test("the fp16 graph on CPU keeps the box of at least 13 of the 15 pairs", async (t) => {
  const fp16 = (await createLocalizer(spec, { ...runtime, precision: "fp16" })) as SlicVitLocalizer;
  let same = 0;
  let worstLogit = 0;
  for (const image of cases.images) {
    const input = prepared(image);
    const results = await fp16.localize(
      input,
      image.queries.map((q) => q.query),
    );
    for (const [i, q] of image.queries.entries()) {
      if (JSON.stringify(results[i].boxes) === JSON.stringify([q.bbox_orig])) same++;
      worstLogit = Math.max(
        worstLogit,
        maxAbsDiff(await logitsOf(fp16, input, q.query), readF32("slicvit", q.logits)).value,
      );
    }
  }
  await fp16.dispose();
  t.diagnostic(`fp16: ${same}/15 boxes identical, max |logit error| ${worstLogit.toExponential(2)}`);
  assert.ok(same >= 13, `only ${same}/15 boxes identical`);
  assert.notEqual(fp16.info.optionsHash, fp32.info.optionsHash);
});

test("images that do not fit the prepareSpec are rejected with the field named", async () => {
  const input = prepared(cases.images[0]);
  await assert.rejects(
    fp32.localize({ ...input, labelMaps: input.labelMaps.slice(1) }, ["x"]),
    /Expected 11 label maps \(one per nSegments entry\) for image\.labelMaps/,
  );
  await assert.rejects(
    fp32.localize({ ...input, resized: { width: 10, height: 10, data: new Uint8Array(300) } }, ["x"]),
    /a 224×224 image \(use this localizer's prepareSpec\) for image\.resized/,
  );
  await assert.rejects(
    fp32.localize(input, "person" as unknown as string[]),
    /Expected an array of strings for queries/,
  );
});
