/**
 * serializeSamples is the inverse of parseSamples: the fixture runs' extended samples (ground truth + meta)
 * and the GRIT example samples survive a round trip, and public-format samples stay public.
 * Fixtures: grit/runs/<run>/samples.json, grit/examples/samples.json (exact equality after parsing).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSamples } from "../../src/grit/samples.js";
import { serializeSamples } from "../../src/grit/serialize-samples.js";
import { readFixtureJson } from "../support/fixtures.js";

for (const path of [
  ["grit", "runs", "run1_mixed", "samples.json"],
  ["grit", "runs", "run3_binary", "samples.json"],
  ["grit", "examples", "samples.json"],
]) {
  test(`parse → serialize → parse keeps every field of ${path.join("/")}`, () => {
    const samples = parseSamples(readFixtureJson(...path), path.join("/"));
    const text = serializeSamples(samples);
    assert.deepEqual(parseSamples(JSON.parse(text), "round trip"), samples);
    assert.equal(serializeSamples(parseSamples(JSON.parse(text), "again")), text, "stable bytes");
  });
}

test("the extended format has evaluate.py's keys; samples without ground truth and meta are written public", () => {
  const [extended] = parseSamples(readFixtureJson("grit", "runs", "run1_mixed", "samples.json"), "run1");
  const wire = JSON.parse(serializeSamples([extended]))[0];
  assert.deepEqual(Object.keys(wire), ["input", "output", "meta"]);
  assert.deepEqual(Object.keys(wire.input), [
    "example_id",
    "image_id",
    "task_name",
    "task_query",
    "task_bbox",
    "output_options",
  ]);
  assert.deepEqual(Object.keys(wire.output), [
    "example_id",
    "bboxes",
    "words",
    "masks",
    "points",
    "out_image_name",
  ]);
  assert.deepEqual(Object.keys(wire.meta), [
    "data_source",
    "image_size",
    "is_new_source",
    "has_new_concept",
    "is_distorted",
    "distortion",
    "concepts",
  ]);
  const { groundTruth: _g, meta: _m, ...publicSample } = extended;
  assert.deepEqual(JSON.parse(serializeSamples([publicSample]))[0], wire.input);
});
