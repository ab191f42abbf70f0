/**
 * heatmapFromLabels against `slicvit/*_heatmap.f32` (upstream `SLICViT.get_heatmap`), computed from the fixture
 * logits (`*_qK_logits.f32`, masks ordered `for n in nSegments: for label ascending`) and this port's label
 * maps. Tolerance 1e-5 abs (fixture README: ≤ 1e-3; observed ≤ 1.5e-7, last-bit differences of float32 exp).
 * Then box_224 and bbox_orig end to end: exact.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { boxSearch } from "../../src/vision/box-search.js";
import { heatmapFromLabels } from "../../src/vision/heatmap.js";
import { scaleBoxToSource } from "../../src/vision/scale-box.js";
import { type LabelMap, slicPyramid } from "../../src/vision/slic.js";
import { assertClose } from "../support/assert-close.js";
import { readF32, readFixtureJson, readU8 } from "../support/fixtures.js";

interface SlicVitCases {
  model: { slicvit_args: { n_segments: number[]; temperature: number; alpha: number; compactness: number } };
  images: {
    name: string;
    orig_hw: [number, number];
    queries: {
      index: number;
      query: string;
      logits: string;
      heatmap: string;
      box_224: number[];
      bbox_orig: number[];
      bbox_orig_float32_bits: string[];
    }[];
  }[];
}

const cases = readFixtureJson<SlicVitCases>("slicvit", "cases.json");
const args = cases.model.slicvit_args;

/** Splits the flat [M] logits into one array per label map. */
function splitLogits(logits: Float32Array, maps: readonly LabelMap[]): Float32Array[] {
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const map of maps) {
    parts.push(logits.subarray(offset, offset + map.count));
    offset += map.count;
  }
  assert.equal(offset, logits.length, "M = sum of label counts");
  return parts;
}

function float32Bits(value: number): string {
  const bits = new Uint32Array(Float32Array.of(value).buffer)[0];
  return `0x${bits.toString(16).padStart(8, "0")}`;
}

for (const image of cases.images) {
  test(`heatmaps, box_224 and bbox_orig of slicvit/${image.name} match upstream for all 3 queries`, () => {
    const maps = slicPyramid(
      { data: readU8("slic", `${image.name}_224.u8`), width: 224, height: 224 },
      { nSegments: args.n_segments, compactness: args.compactness, sigma: 0 },
    );
    for (const q of image.queries) {
      const what = `${image.name} q${q.index} (${q.query})`;
      const heatmap = heatmapFromLabels(
        maps,
        splitLogits(readF32("slicvit", q.logits), maps),
        args.temperature,
      );
      assertClose(heatmap.data, readF32("slicvit", q.heatmap), { atol: 1e-5 }, `${what} heatmap`);
      const box = boxSearch(heatmap, { alpha: args.alpha });
      assert.deepEqual([...box], q.box_224, `${what} box_224`);
      const [h, w] = image.orig_hw;
      const orig = scaleBoxToSource(box, { width: 224, height: 224 }, { width: w, height: h });
      assert.deepEqual([...orig], q.bbox_orig, `${what} bbox_orig`);
      assert.deepEqual(orig.map(float32Bits), q.bbox_orig_float32_bits, `${what} bbox_orig bits`);
    }
  });
}

test("heatmapFromLabels averages exp(logit / T) over the maps and min-max normalises (2×2, two maps)", () => {
  const a: LabelMap = { labels: Int32Array.of(1, 1, 2, 2), count: 2, width: 2, height: 2 };
  const b: LabelMap = { labels: Int32Array.of(1, 2, 1, 2), count: 2, width: 2, height: 2 };
  const logT = Math.log; // logits chosen so that exp(logit / 1) = 1, 3 and 2, 6
  const heatmap = heatmapFromLabels(
    [a, b],
    [Float32Array.of(logT(1), logT(3)), Float32Array.of(logT(2), logT(6))],
    1,
  );
  // Means: (1+2)/2 = 1.5, (1+6)/2 = 3.5, (3+2)/2 = 2.5, (3+6)/2 = 4.5 → (h - 1.5) / 3.
  assertClose(heatmap.data, [0, 2 / 3, 1 / 3, 1], { atol: 1e-6 }, "heatmap");
  assert.equal(heatmap.width, 2);
});

test("heatmapFromLabels of equal logits is all zeros (max - min = 0, + 1e-8)", () => {
  const map: LabelMap = { labels: Int32Array.of(1, 2), count: 2, width: 2, height: 1 };
  assert.deepEqual([...heatmapFromLabels([map], [[0.3, 0.3]], 0.02).data], [0, 0]);
});

test("heatmapFromLabels rejects mismatched inputs with messages naming the argument", () => {
  const map: LabelMap = { labels: Int32Array.of(1, 2), count: 2, width: 2, height: 1 };
  const other: LabelMap = { labels: Int32Array.of(1, 1, 1), count: 1, width: 3, height: 1 };
  assert.throws(() => heatmapFromLabels([], [], 1), /non-empty array of LabelMap for labelMaps/);
  assert.throws(
    () => heatmapFromLabels([map], [], 1),
    /one logit array per label map \(1\) for logitsPerMap/,
  );
  assert.throws(
    () => heatmapFromLabels([map], [[1]], 1),
    /label count of labelMaps\[0\] \(2\) for logitsPerMap\[0\].length but received 1/,
  );
  assert.throws(
    () => heatmapFromLabels([map, other], [[1, 2], [1]], 1),
    /a 2×1 label map like labelMaps\[0\] for labelMaps\[1\]/,
  );
  assert.throws(
    () => heatmapFromLabels([map], [[1, 2]], 0),
    /Expected a finite number > 0 for temperature but received 0/,
  );
});
