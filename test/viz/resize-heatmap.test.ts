import assert from "node:assert/strict";
import { test } from "node:test";
import { resizeHeatmapBilinear } from "../../src/viz/resize-heatmap.js";
import { assertClose } from "../support/assert-close.js";
import { readF32, readFixtureJson } from "../support/fixtures.js";

test("upsampling 2×2 → 4×4 uses half-pixel centres and clamps at the edges", () => {
  const out = resizeHeatmapBilinear(
    { data: new Float32Array([0, 1, 2, 3]), width: 2, height: 2 },
    { width: 4, height: 4 },
  );
  // Row 0 samples source row 0; columns at source x = 0 (clamped), 0.25, 0.75, 1 (clamped).
  assert.deepEqual(Array.from(out.subarray(0, 4)), [0, 0.25, 0.75, 1]);
  // Row 1 samples source y = 0.25.
  assert.deepEqual(Array.from(out.subarray(4, 8)), [0.5, 0.75, 1.25, 1.5]);
  assert.deepEqual(Array.from(out.subarray(12, 16)), [2, 2.25, 2.75, 3]);
});

test("224→28 matches PyTorch F.interpolate bilinear (fixture boxsearch/downsampled.f32, 27 maps, atol 1e-6)", () => {
  // Tolerance: PyTorch rounds the 2×2 mean correctly; our float64 lerp then float32 store can differ by an ulp.
  const { cases } = readFixtureJson<{
    cases: { name: string; heatmap_file: string; heatmap_index: number | null; downsampled_index?: number }[];
  }>("boxsearch", "cases.json");
  const synthetic = readF32("boxsearch", "heatmaps.f32");
  const downsampled = readF32("boxsearch", "downsampled.f32");
  const size = 224 * 224;
  const seen = new Set<number>();
  for (const c of cases) {
    if (c.downsampled_index === undefined || seen.has(c.downsampled_index)) continue;
    seen.add(c.downsampled_index);
    // Synthetic maps are stacked in heatmaps.f32; the real SLICViT maps are files of their own.
    const hm =
      c.heatmap_index === null
        ? readF32("boxsearch", c.heatmap_file)
        : synthetic.subarray(c.heatmap_index * size, (c.heatmap_index + 1) * size);
    const out = resizeHeatmapBilinear({ data: hm, width: 224, height: 224 }, { width: 28, height: 28 });
    const expected = downsampled.subarray(c.downsampled_index * 784, (c.downsampled_index + 1) * 784);
    assertClose(out, expected, { atol: 1e-6 }, c.name);
  }
  assert.equal(seen.size, 27, "all 27 downsampled heatmaps checked");
});
