/**
 * The perceptual colormap for heatmaps: matplotlib's "inferno" (black → purple → red → yellow → pale
 * yellow), as a 256-entry RGB lookup table and as a plotly colorscale, so PNG overlays and figures agree.
 */

/**
 * inferno sampled at 17 evenly spaced points (matplotlib 3.6 `cm.inferno(i / 16)`, rounded to 8 bits);
 * linear interpolation between them stays within 7 levels of the full 256-entry table.
 */
const INFERNO_STOPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [11, 7, 36],
  [33, 12, 74],
  [61, 9, 101],
  [87, 16, 110],
  [113, 25, 110],
  [138, 34, 106],
  [163, 44, 97],
  [188, 55, 84],
  [210, 70, 68],
  [228, 90, 49],
  [241, 115, 29],
  [249, 142, 9],
  [252, 172, 17],
  [249, 203, 53],
  [242, 234, 105],
  [252, 255, 164],
];

/** RGB bytes for 256 levels (index = round(value · 255)), length 768. */
export function infernoLut(): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  const last = INFERNO_STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * last;
    const k = Math.min(Math.floor(t), last - 1);
    const f = t - k;
    const a = INFERNO_STOPS[k];
    const b = INFERNO_STOPS[k + 1];
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * f);
  }
  return lut;
}

/** The same colormap as a plotly colorscale (`[[0, "rgb(0,0,4)"], …, [1, "rgb(252,255,164)"]]`). */
export function infernoColorscale(): [number, string][] {
  const last = INFERNO_STOPS.length - 1;
  return INFERNO_STOPS.map(([r, g, b], i) => [i / last, `rgb(${r},${g},${b})`]);
}
