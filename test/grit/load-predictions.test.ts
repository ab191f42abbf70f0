import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { isGritlocError } from "../../src/errors.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { parsePythonJson } from "../../src/grit/python-json.js";
import { validatePredictions } from "../../src/grit/validate-predictions.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-load-"));

test("a localization.json loads with the params.json beside it (fixture grit/runs/run2_const05/ablation)", async () => {
  const loaded = await loadPredictions(
    fixturePath("grit", "runs", "run2_const05", "ablation", "localization.json"),
  );
  assert.equal(loaded.entries.length, 402); // run_info.json: num_predictions
  assert.equal(loaded.paramsInMillions, 87.9);
  assert.equal(loaded.subset, "ablation");
  assert.equal(loaded.format, "json");
  assert.deepEqual(Object.keys(loaded.entries[0]), ["exampleId", "confidence", "bboxes"]);
});

test("a file without params.json beside it has paramsInMillions null", async () => {
  const path = join(tmp, "preds.json");
  writeFileSync(path, JSON.stringify([{ example_id: "a", confidence: 0.5, bboxes: [] }]));
  const loaded = await loadPredictions(path);
  assert.deepEqual(
    [loaded.paramsInMillions, loaded.subset, loaded.entries],
    [null, null, [{ exampleId: "a", confidence: 0.5, bboxes: [] }]],
  );
});

test("Python's NaN/Infinity tokens are read, located, and then named by validation", async () => {
  const path = join(tmp, "nan.json");
  writeFileSync(
    path,
    '[{"example_id": "a", "confidence": NaN, "bboxes": [[0, 0, Infinity, 5]]},\n' +
      ' {"example_id": "NaN in a string", "confidence": -Infinity, "bboxes": []}]',
  );
  const loaded = await loadPredictions(path);
  assert.deepEqual(loaded.nonFiniteTokens, [
    { token: "NaN", line: 1, column: 36 },
    { token: "Infinity", line: 1, column: 59 },
    { token: "-Infinity", line: 2, column: 50 },
  ]);
  assert.ok(Number.isNaN(loaded.entries[0].confidence));
  assert.equal(loaded.entries[1].exampleId, "NaN in a string");
  const problems = validatePredictions(
    [{ exampleId: "a" }, { exampleId: "NaN in a string" }],
    loaded.entries,
  );
  assert.deepEqual(
    problems.map((p) => p.message.replace(/ \(Python's json.*\)$/, "")),
    [
      'entry 0 (example_id "a"): confidence is NaN',
      'entry 0 (example_id "a"): bboxes[0][2] is Infinity',
      'entry 1 (example_id "NaN in a string"): confidence is -Infinity',
    ],
  );
});

test("parsePythonJson leaves standard JSON alone and still rejects real syntax errors", () => {
  assert.deepEqual(parsePythonJson('{"a": [1, "NaN"]}'), { value: { a: [1, "NaN"] }, nonFiniteTokens: [] });
  assert.throws(() => parsePythonJson("[NaN, }"), SyntaxError);
});

test("unreadable predictions get E_PREDICTIONS_INVALID naming the file; a missing file E_NOT_FOUND", async () => {
  const notJson = join(tmp, "garbage.json");
  writeFileSync(notJson, "example_id,confidence\n");
  await assert.rejects(
    loadPredictions(notJson),
    (e) => isGritlocError(e, "E_PREDICTIONS_INVALID") && e.message.startsWith(`${notJson} is not valid JSON`),
  );
  const notList = join(tmp, "object.json");
  writeFileSync(notList, '{"predictions": []}');
  await assert.rejects(
    loadPredictions(notList),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      e.message === `${notList}: expected a list of {example_id, confidence, bboxes}, got an object`,
  );
  const badItems = join(tmp, "items.json");
  writeFileSync(badItems, '[{"example_id": "a", "confidence": 1, "bboxes": []}, 5, "x"]');
  await assert.rejects(
    loadPredictions(badItems),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      e.message.includes("2 problems in") &&
      e.message.includes(
        "entry 1: expected an object {example_id, confidence, bboxes}, got 5 of type number",
      ) &&
      e.message.includes('entry 2: expected an object {example_id, confidence, bboxes}, got "x"'),
  );
  await assert.rejects(
    loadPredictions(join(tmp, "none.json")),
    (e) => isGritlocError(e, "E_NOT_FOUND") && /predictions file not found/.test(e.message),
  );
});

test("a zip needs exactly one <subset>/localization.json; its params.json is read", async () => {
  const entries = strToU8(JSON.stringify([{ example_id: "a", confidence: 0.5, bboxes: [[1, 2, 3, 4]] }]));
  const good = join(tmp, "good.zip");
  writeFileSync(
    good,
    zipSync({ "test/localization.json": entries, "test/params.json": strToU8('{"params_in_millions": 12}') }),
  );
  const loaded = await loadPredictions(good);
  assert.deepEqual(
    [loaded.format, loaded.subset, loaded.paramsInMillions, loaded.source],
    ["zip", "test", 12, `${good}:test/localization.json`],
  );

  const flat = join(tmp, "flat.zip");
  writeFileSync(flat, zipSync({ "localization.json": entries, "params.json": strToU8("{}") }));
  await assert.rejects(
    loadPredictions(flat),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      e.message.includes(
        "expected exactly one <subset>/localization.json in the zip, found 0 (it holds localization.json, params.json)",
      ) &&
      e.message.includes("`gritloc submit` writes that layout"),
  );
  const badParams = join(tmp, "bad-params.zip");
  writeFileSync(
    badParams,
    zipSync({ "ablation/localization.json": entries, "ablation/params.json": strToU8('{"params": 3}') }),
  );
  await assert.rejects(
    loadPredictions(badParams),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      /ablation\/params\.json: expected \{"params_in_millions": <non-negative number>\}/.test(e.message),
  );
  const truncated = join(tmp, "truncated.zip");
  writeFileSync(truncated, zipSync({ "ablation/localization.json": entries }).subarray(0, 30));
  await assert.rejects(
    loadPredictions(truncated),
    (e) => isGritlocError(e, "E_PREDICTIONS_INVALID") && /is not a readable zip/.test(e.message),
  );
});
