/**
 * `buildGroundTruth` on a synthetic GRIT root whose annotation files come from a local HTTP server (see
 * support/gt-fixture.ts): exact boxes for every sample under the default rules and under each other rule
 * value, the report's counts per source and id layout, no request on a rerun, the record layout of the
 * reference runs' samples.json (fixture grit/runs/run1_mixed/samples.json), and the same scores as a
 * hand-written ground-truth file.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { scorePredictionFiles } from "../../src/grit/score-files.js";
import {
  type BuildGroundTruthOptions,
  buildGroundTruth,
  type GroundTruthBuild,
} from "../../src/gt/build-ground-truth.js";
import type { GtRules } from "../../src/gt/gt-rules.js";
import { startTestServer, type TestServer } from "../data/support/test-server.js";
import { readFixtureJson } from "../support/fixtures.js";
import { buildGtFixture, type GtFixture, IMAGE_A, IMAGE_B, IMAGE_C } from "./support/gt-fixture.js";

let server: TestServer;
let dir: string;
let fixture: GtFixture;
let defaults: GroundTruthBuild;

const options = (rules: Partial<GtRules> = {}): BuildGroundTruthOptions => ({
  root: fixture.root,
  subset: "ablation",
  manifest: fixture.manifestPath,
  cacheDir: fixture.cache,
  retryDelayMs: 1,
  rules,
});

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-gt-"));
  fixture = await buildGtFixture(server, dir);
  defaults = await buildGroundTruth(options());
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const VEHICLE = `open_images_loc_test_vehicle_${IMAGE_A}`;
const CAR = `open_images_loc_test_${IMAGE_A}_/m/0k4j`;
const CARNIVORE = `open_images_loc_test_carnivore_${IMAGE_A}`;
const BICYCLE = `open_images_loc_test_${IMAGE_A}_/m/01bjv`;
const TANK = `open_images_loc_test_tank_${IMAGE_A}`;
const FRAME = `open_images_loc_test_picture frame_${IMAGE_B}`;
const STUFFED = "nyuv2_loc_test_2_stuffed animal";

/** Hand-computed from the fixture: car 0.125–0.5 × 0.375–0.625 of 200×100 (37.5 → 38 and 62.5 → 62, half to even). */
const EXPECTED_BOXES: Record<string, number[][]> = {
  [VEHICLE]: [
    [25, 38, 100, 62],
    [100, 25, 199, 75],
  ],
  [CAR]: [[25, 38, 100, 62]],
  [CARNIVORE]: [[0, 0, 50, 50]],
  [BICYCLE]: [],
  [TANK]: [],
  [FRAME]: [
    [25, 125, 50, 199],
    [50, 0, 75, 50],
  ],
  [STUFFED]: [
    [1, 2, 3, 4],
    [10, 1, 12, 1],
    [15, 11, 15, 11],
  ],
  nyuv2_loc_test_2_unknown: [[13, 5, 15, 6]],
  nyuv2_loc_test_refridgerator_2: [],
  "nyuv2_loc_test_2_baking dish": [[5, 6, 8, 9]],
};

function boxesById(build: GroundTruthBuild): Record<string, unknown> {
  return Object.fromEntries(build.records.map((r) => [r.input.example_id, r.output.bboxes]));
}

test("default rules: exact boxes in sample order, negatives as [], meta per source, unresolved samples listed", async () => {
  const written = JSON.parse(await readFile(defaults.groundTruthPath, "utf8"));
  assert.deepEqual(written, JSON.parse(JSON.stringify(defaults.records)));
  assert.deepEqual(boxesById(defaults), EXPECTED_BOXES);
  assert.deepEqual(
    defaults.records.map((r) => r.input.example_id),
    Object.keys(EXPECTED_BOXES),
    "records keep the samples' order",
  );
  const meta = Object.fromEntries(defaults.records.map((r) => [r.input.example_id, r.meta]));
  assert.deepEqual(meta[FRAME], {
    data_source: "open_images_loc",
    image_size: [100, 200],
    is_new_source: true,
    has_new_concept: true,
    is_distorted: false,
    distortion: null,
    concepts: [{ lemma: "picture frame", pos: null, text: "picture frame" }],
  });
  assert.equal(meta[CAR]?.has_new_concept, false, "car is a COCO category");
  assert.deepEqual(meta[STUFFED]?.image_size, [16, 12]);
  assert.equal(meta[STUFFED]?.data_source, "nyuv2_loc");
  assert.deepEqual(
    defaults.report.unresolved.map((u) => [u.exampleId, u.source, u.layout, u.reason]),
    [
      [`open_images_loc_test_unicorn_${IMAGE_A}`, "open_images", "query-image", "unknown-query"],
      [`open_images_loc_test_car_${IMAGE_C}`, "open_images", "query-image", "missing-image"],
      ["nyuv2_loc_test_5_floor", "nyuv2", "index-name", "missing-image"],
      ["nyuv2_loc_test_1_floor", "nyuv2", "index-name", "missing-image"],
      ["nyuv2_loc_test_toy plane_2", "nyuv2", "name-index", "unknown-query"],
    ],
  );
});

test("the report counts per source and id layout, records the rules and the verified inputs", async () => {
  const r = defaults.report;
  const zero = {
    samples: 0,
    records: 0,
    empty: 0,
    emptyVerifiedAbsent: 0,
    boxesButVerifiedAbsent: 0,
    midMismatches: 0,
    unresolvedQueries: 0,
    missingImages: 0,
    unverifiedEmpty: 0,
  };
  assert.deepEqual(r.counts, {
    open_images: {
      "query-image": { ...zero, samples: 6, records: 4, empty: 1, unresolvedQueries: 1, missingImages: 1 },
      "image-mid": { ...zero, samples: 2, records: 2, empty: 1, emptyVerifiedAbsent: 1, midMismatches: 1 },
    },
    nyuv2: {
      "index-name": { ...zero, samples: 5, records: 3, missingImages: 2 },
      "name-index": { ...zero, samples: 2, records: 1, empty: 1, unresolvedQueries: 1 },
    },
  });
  assert.deepEqual(r.totals, { samples: 17, records: 10, empty: 3, unresolved: 5, notRebuilt: 2 });
  assert.deepEqual(r.notRebuilt, { coco: 1, distorted: 1 });
  assert.equal(r.unofficial, true);
  assert.equal(r.kind, "rebuilt", "gritloc score labels the numbers by this kind");
  assert.deepEqual(r.openImagesSizes, { largestSide: 200, over1024: 0 });
  assert.equal(r.rules.openImagesHierarchy, "expand");
  assert.equal(r.rules.nyuv2MinPixels, 1);
  const byFile = Object.fromEntries(r.inputs.map((d) => [d.file, d]));
  assert.deepEqual(Object.keys(byFile).sort(), [
    "bbox_labels_600_hierarchy.json",
    "class-descriptions-boxable.csv",
    "nyu_depth_v2_labeled.mat",
    "test-annotations-bbox.csv",
    "test-annotations-human-imagelabels-boxable.csv",
  ]);
  assert.match(byFile["test-annotations-bbox.csv"]?.md5 ?? "", /^[0-9a-f]{32}$/);
  assert.deepEqual(JSON.parse(await readFile(defaults.reportPath, "utf8")), JSON.parse(JSON.stringify(r)));
});

test("a rerun takes every annotation file from the cache without a request", async () => {
  const before = server.requests.length;
  const again = await buildGroundTruth(options());
  assert.equal(server.requests.length, before);
  assert.ok(again.report.inputs.every((d) => d.reused));
  assert.deepEqual(again.records, defaults.records);
});

test("each Open Images rule value changes exactly the boxes it should", async () => {
  const run = async (rules: Partial<GtRules>) => boxesById(await buildGroundTruth(options(rules)));
  const pixels = await run({ openImagesPixels: "scale-minus-one" });
  // 0.125·199 = 24.875, 0.375·99 = 37.125, 0.5·199 = 99.5 → 100 (half to even), 0.625·99 = 61.875
  assert.deepEqual(pixels[CAR], [[25, 37, 100, 62]]);
  assert.deepEqual((await run({ openImagesPixels: "float" }))[CAR], [[25, 37.5, 100, 62.5]]);
  const groupOf = await run({ openImagesGroupOf: "drop" });
  assert.deepEqual(groupOf[VEHICLE], [[25, 38, 100, 62]]);
  assert.deepEqual(groupOf[CARNIVORE], EXPECTED_BOXES[CARNIVORE]);
  const depiction = await run({ openImagesDepiction: "drop" });
  assert.deepEqual(depiction[CARNIVORE], []);
  assert.deepEqual(depiction[VEHICLE], EXPECTED_BOXES[VEHICLE]);
  const exact = await run({ openImagesHierarchy: "exact" });
  assert.deepEqual([exact[VEHICLE], exact[CARNIVORE], exact[CAR]], [[], [], EXPECTED_BOXES[CAR]]);
  assert.deepEqual((await run({ openImagesClassFrom: "id-mid" }))[BICYCLE], [[100, 25, 199, 75]]);
  const rotated = await buildGroundTruth(options({ exifRotation: "apply" }));
  const frame = rotated.records.find((r) => r.input.example_id === FRAME);
  assert.deepEqual(frame?.output.bboxes, [
    [50, 62, 100, 99],
    [100, 0, 150, 25],
  ]);
  assert.deepEqual(frame?.meta.image_size, [200, 100]);
});

test("openImagesNegatives verified-absent keeps only verified negatives; queryMatch exact needs the display name", async () => {
  const verified = await buildGroundTruth(options({ openImagesNegatives: "verified-absent" }));
  assert.deepEqual(boxesById(verified)[BICYCLE], []);
  assert.equal(boxesById(verified)[TANK], undefined);
  assert.deepEqual(
    verified.report.unresolved.filter((u) => u.reason === "unverified-empty").map((u) => u.exampleId),
    [TANK],
  );
  assert.equal(verified.report.counts.open_images?.["query-image"]?.unverifiedEmpty, 1);
  const exact = await buildGroundTruth(options({ queryMatch: "exact" }));
  assert.equal(exact.report.counts.open_images?.["query-image"]?.unresolvedQueries, 6);
  assert.equal(exact.report.counts.open_images?.["image-mid"]?.unresolvedQueries, 2);
  assert.deepEqual(boxesById(exact)[STUFFED], EXPECTED_BOXES[STUFFED], "NYUv2 names are lower case already");
});

test("each NYUv2 rule value changes the instance boxes; newConcept always/never", async () => {
  const run = async (rules: Partial<GtRules>) => boxesById(await buildGroundTruth(options(rules)))[STUFFED];
  assert.deepEqual(await run({ nyuv2BoxEnd: "exclusive" }), [
    [1, 2, 4, 5],
    [10, 1, 13, 2],
    [15, 11, 16, 12],
  ]);
  assert.deepEqual(await run({ nyuv2Boxes: "label" }), [[1, 1, 15, 11]]);
  assert.deepEqual(await run({ nyuv2MinPixels: 2 }), [
    [1, 2, 3, 4],
    [10, 1, 12, 1],
  ]);
  assert.deepEqual(await run({ nyuv2MinPixels: 4 }), [[1, 2, 3, 4]]);
  for (const [rule, value] of [
    ["always", true],
    ["never", false],
  ] as const) {
    const build = await buildGroundTruth(options({ newConcept: rule }));
    assert.ok(
      build.records.every((r) => r.meta.has_new_concept === value),
      rule,
    );
  }
});

test("--sources nyuv2 rebuilds NYUv2 only and counts the Open Images samples as not rebuilt", async () => {
  const build = await buildGroundTruth({ ...options(), sources: ["nyuv2"] });
  assert.deepEqual(build.report.sources, ["nyuv2"]);
  assert.deepEqual(build.report.notRebuilt, { open_images: 8, coco: 1, distorted: 1 });
  assert.equal(build.records.length, 4);
});

test("the records have exactly the key layout of the reference runs' samples.json", () => {
  const reference = readFixtureJson<Record<string, Record<string, unknown>>[]>(
    "grit",
    "runs",
    "run1_mixed",
    "samples.json",
  );
  const ref = reference[0] as Record<string, Record<string, unknown>>;
  for (const record of defaults.records) {
    assert.deepEqual(Object.keys(record), Object.keys(ref));
    for (const part of ["input", "output", "meta"] as const) {
      assert.deepEqual(Object.keys(record[part]), Object.keys(ref[part] as object), part);
    }
    assert.ok(record.meta.concepts.every((c) => typeof c.lemma === "string" && c.lemma !== ""));
  }
});

test("scoring the built file gives the same metrics as an equivalent hand-written file", async () => {
  // The hand-written file uses the reference runs' concept form {lemma, synset} and pretty-printed JSON.
  const handWritten = Object.entries(EXPECTED_BOXES).map(([id, bboxes]) => {
    const built = defaults.records.find((r) => r.input.example_id === id)!;
    return {
      input: { ...built.input },
      output: { example_id: id, words: null, bboxes, masks: null, points: null, out_image_name: null },
      meta: { ...built.meta, concepts: [{ lemma: built.input.task_query, synset: null }] },
    };
  });
  const handPath = join(dir, "hand-written.json");
  await writeFile(handPath, JSON.stringify(handWritten, null, 2));
  const predictions = Object.entries(EXPECTED_BOXES).map(([id, boxes], i) => ({
    example_id: id,
    confidence: (i % 4) / 3,
    bboxes: i % 3 === 0 ? [] : boxes.length > 0 ? [boxes[0]!.map((v) => v + (i % 2))] : [[0, 0, 10, 10]],
  }));
  const predictionsPath = join(dir, "predictions.json");
  await writeFile(predictionsPath, JSON.stringify(predictions));
  const score = (samplesPath: string) =>
    scorePredictionFiles({ samplesPath, predictionsPath, paramsInMillions: 1, allowMissingPartitions: true });
  // Every build writes the same path; build with the defaults again (other tests changed the rules).
  const built = await score((await buildGroundTruth(options())).groundTruthPath);
  const hand = await score(handPath);
  assert.deepEqual(built.metrics, hand.metrics);
  assert.equal(built.sampleCount, 10);
  assert.ok(Number.isFinite(built.metrics["acc.any.newSrc.loc.mean"]));
});

test("a missing samples file, a manifest without groundTruth and a bad rule are clear errors", async () => {
  await assert.rejects(buildGroundTruth({ ...options(), subset: "test" }), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_NOT_FOUND"));
    assert.match(error.message, /samples\/test\/localization\.json is missing\. Run `gritloc setup grit/);
    return true;
  });
  const manifest = JSON.parse(await readFile(fixture.manifestPath, "utf8"));
  delete manifest.groundTruth;
  const bare = join(dir, "bare-manifest.json");
  await writeFile(bare, JSON.stringify(manifest));
  await assert.rejects(buildGroundTruth({ ...options(), manifest: bare }), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_MANIFEST_INVALID"));
    assert.match(error.message, /bare-manifest\.json has no groundTruth\.open_images section/);
    return true;
  });
  await assert.rejects(
    buildGroundTruth(options({ openImagesGroupOf: "sometimes" as "keep" })),
    /Expected "keep" or "drop" for rules\.openImagesGroupOf but received "sometimes"/,
  );
  await assert.rejects(buildGroundTruth({ ...options(), sources: ["coco" as "nyuv2"] }), /sources/);
});
