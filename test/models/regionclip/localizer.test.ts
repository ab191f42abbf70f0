/**
 * RegionClipLocalizer behind the Localizer contract, on the fixture's release-format files: per-query
 * independence, the two output modes' relation, the registry path, and clear errors for misuse.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { gritLocalization } from "../../../src/models/regionclip/grit-rule.js";
import {
  createRegionClipLocalizer,
  type RegionClipFiles,
  type RegionClipLocalizer,
} from "../../../src/models/regionclip/localizer.js";
import { createLocalizer } from "../../../src/models/registry.js";
import { prepareImage } from "../../../src/vision/prepare.js";
import { fixturePath } from "../../support/fixtures.js";
import { regionClipCases } from "./support/regionclip-fixture.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-regionclip-localizer-"));
const runtime = { provider: "cpu" as const, cacheDir: join(work, "cache") };
const classNames = join(work, "names.txt");
writeFileSync(
  classNames,
  regionClipCases("regionclip")
    .vocabulary.map((v) => v.lvis_name)
    .join("\n"),
);
const files: RegionClipFiles = {
  weights: fixturePath("regionclip", "regionclip.pth"),
  rpnWeights: fixturePath("regionclip", "rpn.pth"),
  classEmbeddings: fixturePath("regionclip", "concept_emb.pth"),
  classNames,
  vocab: fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"),
};
const image = fixturePath("inputs", "grit_keypoint_0_crop.png");
const queries = ["sheep", "baking tray", "  Salt + Pepper Shaker "];

let reference: RegionClipLocalizer;
before(async () => {
  reference = await createRegionClipLocalizer(files, { mode: "reference", textHeads: 2 }, runtime);
});
after(async () => {
  await reference?.dispose();
  rmSync(work, { recursive: true, force: true });
});

test("a query's result does not depend on the other queries of the call", async () => {
  const prepared = await prepareImage(image, reference.prepareSpec);
  const together = await reference.localize(prepared, queries);
  for (const [i, query] of queries.entries()) {
    assert.deepEqual(await reference.localize(prepared, [query]), [together[i]], JSON.stringify(query));
  }
  assert.deepEqual(await reference.localize(prepared, []), []);
});

test("grit mode (the default) prunes the reference boxes by minScore and maxBoxes, with the same confidence", async () => {
  const grit = await createRegionClipLocalizer(files, { textHeads: 2, maxBoxes: 3 }, runtime);
  try {
    assert.equal(grit.options.mode, "grit");
    const prepared = await prepareImage(image, grit.prepareSpec);
    const pruned = await grit.localize(prepared, queries);
    const full = await reference.localize(prepared, queries);
    for (const [i, loc] of pruned.entries()) {
      assert.deepEqual(loc, gritLocalization(full[i], grit.options), JSON.stringify(queries[i]));
      assert.ok(loc.boxes.length <= 3);
    }
    assert.ok(
      full.some((l) => l.boxes.length > 3),
      "the reference has more boxes than the cap",
    );
  } finally {
    await grit.dispose();
  }
});

test("the registry creates it from a ModelSpec", async () => {
  const localizer = await createLocalizer(
    { family: "regionclip", ...files, options: { textHeads: 2 } },
    runtime,
  );
  try {
    assert.equal(localizer.info.family, "regionclip");
    assert.equal(localizer.info.model, "regionclip");
    assert.equal(localizer.info.provider, "cpu");
    assert.ok(localizer.info.paramsInMillions > 0);
    assert.deepEqual(localizer.prepareSpec, {});
  } finally {
    await localizer.dispose();
  }
});

test("a new query is embedded once: a later localizer on the same cache folder reads its stored embedding", async () => {
  const query = "striped beach umbrella";
  const first = await reference.queryClass(query);
  assert.ok("embedding" in first, "the query is outside the fixture vocabulary");
  const [folder] = readdirSync(join(runtime.cacheDir, "regionclip")).filter((n) => n.startsWith("queries-"));
  const file = join(
    runtime.cacheDir,
    "regionclip",
    folder,
    `${createHash("sha256").update(query).digest("hex")}.f32`,
  );
  const stored = readFileSync(file);
  assert.deepEqual(new Float32Array(stored.buffer, stored.byteOffset, stored.length / 4), first.embedding);
  // Mark the stored values: only a localizer that reads the file (and does not recompute) returns them.
  const marked = first.embedding.map((v) => v * 2);
  writeFileSync(file, Buffer.from(marked.buffer));
  const later = await createRegionClipLocalizer(files, { mode: "reference", textHeads: 2 }, runtime);
  try {
    const again = await later.queryClass(query);
    assert.ok("embedding" in again);
    assert.deepEqual(again.embedding, marked);
  } finally {
    await later.dispose();
  }
});

test("misuse is a clear GritlocError", async () => {
  const wrongSize = {
    sourceSize: { width: 100, height: 140 },
    resized: { width: 8, height: 8, data: new Uint8Array(192) },
    labelMaps: [],
  };
  await assert.rejects(reference.localize(wrongSize, ["cup"]), /use this localizer's prepareSpec/);
  await assert.rejects(
    reference.localize(wrongSize, "cup" as never),
    (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && /queries/.test((e as Error).message),
  );
  await assert.rejects(
    createRegionClipLocalizer({ ...files, weights: files.rpnWeights! }, {}, runtime),
    (e: unknown) =>
      isGritlocError(e, "E_WEIGHTS_INVALID") && (e as Error).message.includes(files.rpnWeights!),
  );
  await assert.rejects(
    createRegionClipLocalizer(files, { mode: "hf" as never }, runtime),
    /"grit" or "reference" for mode/,
  );
  const disposed = await createRegionClipLocalizer(files, { textHeads: 2 }, runtime);
  await disposed.dispose();
  await assert.rejects(disposed.localize(await prepareImage(image, {}), ["cup"]), /disposed/);
});
