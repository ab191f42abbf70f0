import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type GritlocError, isGritlocError } from "../../src/errors.js";
import { loadLemma2Groups, parseLemma2Groups } from "../../src/grit/concept-groups.js";
import { loadSamples, parseSamples, type SampleProblem } from "../../src/grit/samples.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-samples-"));

test("loads the extended {input, output, meta} format of a fixture run (grit/runs/run1_mixed/samples.json)", async () => {
  const samples = await loadSamples(fixturePath("grit", "runs", "run1_mixed", "samples.json"));
  assert.equal(samples.length, 397);
  assert.deepEqual(samples[0], {
    exampleId: "localization-101-00011",
    imageId: "nyuv2_loc/img_101_00011.jpg",
    taskName: "localization",
    taskQuery: "blob",
    taskBbox: null,
    outputOptions: null,
    groundTruth: { bboxes: [[294, 270, 334, 421]] },
    meta: {
      dataSource: "nyuv2_loc",
      imageSize: { width: 640, height: 480 },
      isNewSource: true,
      hasNewConcept: false,
      isDistorted: false,
      distortion: null,
      concepts: [{ lemma: "blob", synset: null }],
    },
  });
});

test("loads the two GRIT examples (no synset, no distortion key, extra image_shape_hwc)", async () => {
  const samples = await loadSamples(fixturePath("grit", "examples", "samples.json"));
  assert.deepEqual(
    samples.map((s) => [s.exampleId, s.taskQuery, s.meta?.concepts, s.meta?.distortion]),
    [
      ["example-localization_0", "baking dish", [{ lemma: "baking dish", synset: null }], null],
      ["example-localization_1", "tire", [{ lemma: "tire", synset: null }], null],
    ],
  );
});

test("parses the public flat format without ground truth or meta", () => {
  const samples = parseSamples(
    [
      {
        example_id: "coco_loc_test-reserve_spoon_527067",
        image_id: "coco/test2015/COCO_test2015_000000527067.jpg",
        task_name: "localization",
        task_query: "spoon",
        task_bbox: null,
        output_options: null,
      },
    ],
    "localization.json",
  );
  assert.deepEqual(samples, [
    {
      exampleId: "coco_loc_test-reserve_spoon_527067",
      imageId: "coco/test2015/COCO_test2015_000000527067.jpg",
      taskName: "localization",
      taskQuery: "spoon",
      taskBbox: null,
      outputOptions: null,
    },
  ]);
});

function flat(id: string, extra: Record<string, unknown> = {}) {
  return { example_id: id, image_id: `${id}.jpg`, task_name: "localization", task_query: "dog", ...extra };
}

test("collects every problem, naming file, index, example_id and field", () => {
  const input = [
    flat("a", { task_query: 5 }),
    flat("b", { task_bbox: [1, 2, 3] }),
    "not a sample",
    {
      input: flat("c"),
      output: { example_id: "other", bboxes: [[0, 0, 1, "x"]] },
      meta: { is_new_source: true },
    },
    flat("a"),
    flat(""),
  ];
  let error: GritlocError | undefined;
  try {
    parseSamples(input, "bad.json");
  } catch (e) {
    error = e as GritlocError;
  }
  assert.ok(error && isGritlocError(error, "E_SAMPLES_INVALID"));
  const messages = (error.details as SampleProblem[]).map((p) => p.message);
  assert.deepEqual(messages, [
    'bad.json[0] (example_id "a"): task_query: expected a non-empty string, got 5 of type number',
    'bad.json[1] (example_id "b"): task_bbox: expected a box [x1, y1, x2, y2] of 4 finite numbers, got an array of length 3',
    'bad.json[2]: (sample): expected an object, got "not a sample"',
    'bad.json[3] (example_id "c"): output.example_id: expected the same id as input.example_id, got "other"',
    'bad.json[3] (example_id "c"): output.bboxes[0]: expected 4 finite numbers [x1, y1, x2, y2], but [3] is "x"',
    'bad.json[3] (example_id "c"): meta.has_new_concept: expected true or false, got nothing (the key is missing)',
    'bad.json[3] (example_id "c"): meta.is_distorted: expected true or false, got nothing (the key is missing)',
    'bad.json[3] (example_id "c"): meta.concepts: expected a list of {lemma, synset}, got nothing (the key is missing)',
    'bad.json[4] (example_id "a"): example_id: duplicate id, first seen at index 0',
    'bad.json[5]: example_id: expected a non-empty string, got ""',
  ]);
  assert.match(error.message, /^10 problems in bad\.json:\n {2}- bad\.json\[0\]/);
  assert.match(error.message, /Fix the file/);
  const problem = (error.details as SampleProblem[])[1];
  assert.deepEqual([problem.index, problem.exampleId, problem.field], [1, "b", "task_bbox"]);
});

test("a duplicate example id alone is an error", () => {
  assert.throws(
    () => parseSamples([flat("x"), flat("y"), flat("x")], "dup.json"),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      e.message.includes(
        '1 problem in dup.json:\n  - dup.json[2] (example_id "x"): example_id: duplicate id, first seen at index 0',
      ),
  );
});

test("a long problem list is cut in the message but complete in details", () => {
  const many = Array.from({ length: 30 }, (_, i) => flat(`s${i}`, { image_id: null }));
  assert.throws(
    () => parseSamples(many, "many.json"),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      /^30 problems in many\.json:/.test(e.message) &&
      /… and 10 more/.test(e.message) &&
      (e.details as unknown[]).length === 30,
  );
});

test("a file that is not a list, not JSON, or missing gets a clear error", async () => {
  assert.throws(
    () => parseSamples({ samples: [] }, "obj.json"),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      /obj\.json: expected a list of GRIT samples, got an object/.test(e.message),
  );
  const broken = join(tmp, "broken.json");
  writeFileSync(broken, "[{");
  await assert.rejects(
    loadSamples(broken),
    (e) => isGritlocError(e, "E_SAMPLES_INVALID") && e.message.startsWith(`${broken} is not valid JSON`),
  );
  await assert.rejects(
    loadSamples(join(tmp, "nope.json")),
    (e) => isGritlocError(e, "E_NOT_FOUND") && /samples file not found: .*nope\.json/.test(e.message),
  );
});

test("a 21,078-sample file (ids of the peer submission, fixture peer/) loads", async () => {
  // The timing goal (well under a second) is measured in bench/grit-samples-load.ts, not asserted here.
  const peer = JSON.parse(
    readFileSync(fixturePath("peer", "adapting-clip-ablation-localization.json"), "utf8"),
  ) as { example_id: string }[];
  const path = join(tmp, "ablation-localization.json");
  writeFileSync(
    path,
    JSON.stringify(peer.map((p) => flat(p.example_id, { task_bbox: null, output_options: null }))),
  );
  const samples = await loadSamples(path);
  assert.equal(samples.length, 21078);
  assert.equal(samples[0].exampleId, "coco_loc_test-reserve_spoon_527067");
});

test("loadLemma2Groups reads lemma → groups into a Map (fixture run1_mixed/lemma2groups.json)", async () => {
  const map = await loadLemma2Groups(fixturePath("grit", "runs", "run1_mixed", "lemma2groups.json"));
  assert.deepEqual(map.get("apple"), ["food", "plants"]);
  assert.deepEqual(map.get("blob"), []);
  assert.equal(map.get("widget"), undefined);
  // A Map, so a lemma named like an Object.prototype member is an ordinary key.
  assert.equal(parseLemma2Groups({ toString: ["tools"] }, "x.json").get("constructor"), undefined);
});

test("parseLemma2Groups lists every malformed entry", () => {
  assert.throws(
    () => parseLemma2Groups({ dog: "animals", cat: ["animals", 3], ok: [] }, "l2g.json"),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      e.message.includes('l2g.json: lemma "dog": expected a list of group names, got "animals"') &&
      e.message.includes('l2g.json: lemma "cat": expected a list of group names, got an array of length 2'),
  );
  assert.throws(
    () => parseLemma2Groups([], "l2g.json"),
    (e) => isGritlocError(e, "E_SAMPLES_INVALID") && /expected an object mapping lemma/.test(e.message),
  );
});
