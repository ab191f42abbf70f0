/**
 * boxSearch against adapting-CLIP `utils/box_search.py` (fixtures `boxsearch/`: 54 cases on 12 synthetic and
 * 15 real heatmaps, alpha 0.75 and 0.8). Tolerance: exact (boxes, coarse boxes, downsampled matrices).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { boxSearch, boxSearchStages } from "../../src/vision/box-search.js";
import type { Heatmap } from "../../src/vision/heatmap.js";
import { readF32, readFixtureJson, readI32 } from "../support/fixtures.js";

interface BoxCase {
  case: number;
  name: string;
  heatmap_file: string;
  heatmap_index?: number | null;
  alpha: number;
  box: number[];
  downsampled_index: number;
}

const { cases } = readFixtureJson<{ cases: BoxCase[] }>("boxsearch", "cases.json");
const synthetic = readF32("boxsearch", "heatmaps.f32");
const boxes = readI32("boxsearch", "boxes.i32");
const coarseBoxes = readI32("boxsearch", "coarse_boxes.i32");
const downsampled = readF32("boxsearch", "downsampled.f32");
const PIXELS = 224 * 224;

function heatmapOf(c: BoxCase): Heatmap {
  const data =
    typeof c.heatmap_index === "number"
      ? synthetic.slice(c.heatmap_index * PIXELS, (c.heatmap_index + 1) * PIXELS)
      : readF32("boxsearch", ...c.heatmap_file.split("/"));
  return { data, width: 224, height: 224 };
}

test("boxSearch reproduces all 54 reference boxes, coarse boxes and downsampled matrices exactly", () => {
  const wrong: string[] = [];
  for (const c of cases) {
    const stages = boxSearchStages(heatmapOf(c), { alpha: c.alpha });
    const expected = [...boxes.subarray(c.case * 4, c.case * 4 + 4)];
    assert.deepEqual(expected, c.box, "boxes.i32 agrees with cases.json");
    const coarse = [...coarseBoxes.subarray(c.case * 4, c.case * 4 + 4)];
    if (JSON.stringify([...stages.box]) !== JSON.stringify(expected)) wrong.push(`${c.case} ${c.name} box`);
    if (JSON.stringify([...stages.coarseBox]) !== JSON.stringify(coarse))
      wrong.push(`${c.case} ${c.name} coarse`);
    const matrix = downsampled.subarray(c.downsampled_index * 784, (c.downsampled_index + 1) * 784);
    if (!stages.downsampled.every((v, i) => v === matrix[i])) wrong.push(`${c.case} ${c.name} downsampled`);
  }
  assert.deepEqual(wrong, []);
});

test("boxSearch breaks exact ties by the first maximum (all-zero map → [0, 0, 1, 1])", () => {
  assert.deepEqual(
    [...boxSearch({ data: new Float32Array(PIXELS), width: 224, height: 224 }, { alpha: 0.75 })],
    [0, 0, 1, 1],
  );
});

test("boxSearch finds an exact rectangle on a small map with downsample 2", () => {
  const data = new Float32Array(16 * 12);
  for (let y = 3; y <= 8; y++) for (let x = 4; x <= 11; x++) data[y * 16 + x] = 1;
  assert.deepEqual(
    [...boxSearch({ data, width: 16, height: 12 }, { alpha: 0.5, downsample: 2 })],
    [4, 3, 11, 8],
  );
});

test("boxSearch rejects bad options and maps too small for the coarse grid", () => {
  const heatmap = { data: new Float32Array(PIXELS), width: 224, height: 224 };
  assert.throws(() => boxSearch(heatmap, { alpha: Number.NaN }), /Expected a finite number for alpha/);
  assert.throws(() => boxSearch(heatmap, { alpha: 0.75, downsample: 0 }), /positive integer for downsample/);
  assert.throws(
    () => boxSearch({ data: new Float32Array(15 * 15), width: 15, height: 15 }, { alpha: 0.75 }),
    /a map of at least 16×16 pixels for heatmap but received "15×15"/,
  );
  assert.throws(
    () => boxSearch({ data: new Float32Array(3), width: 224, height: 224 }, { alpha: 0.75 }),
    /Float32Array of width \* height = 50176 for heatmap.data/,
  );
});
