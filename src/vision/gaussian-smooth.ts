/**
 * SLIC's optional pre-smoothing: Float32Array HWC image → smoothed in place, as scikit-image 0.19.3 `slic`
 * calls `gaussian(image, [sigma, sigma, sigma, 0], mode="reflect")`, i.e. SciPy 1.10 `gaussian_filter`
 * (`scipy/ndimage/_filters.py`, `src/ni_filters.c`): one 1-D correlation per spatial axis (rows, then
 * columns) in double precision, each pass stored as float32. The depth axis of length 1 is the identity.
 */

/** SciPy's `_gaussian_kernel1d(sigma, 0, radius)`: sigma² is a float32 product (sigma is a float32 there). */
function gaussianKernel(sigma: number, radius: number): Float64Array {
  const sigma2 = Math.fround(sigma * sigma);
  const scale = -0.5 / sigma2;
  const phi = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(scale * i * i);
    phi[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < phi.length; i++) phi[i] /= sum;
  return phi;
}

/** SciPy's "reflect" extension (d c b a | a b c d | d c b a) of index i on a line of length n. */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * Correlates every line of `count` samples (first sample `offset + line * lineStride`, samples `stride`
 * apart) with the symmetric kernel, as `NI_Correlate1D` does: centre tap first, then the outermost pair inwards.
 */
function correlateLines(
  data: Float32Array,
  lines: number,
  lineStride: number,
  count: number,
  stride: number,
  kernel: Float64Array,
  radius: number,
  channels: number,
): void {
  const line = new Float64Array(count + 2 * radius);
  for (let l = 0; l < lines; l++) {
    for (let c = 0; c < channels; c++) {
      const base = l * lineStride + c;
      for (let i = -radius; i < count + radius; i++)
        line[i + radius] = data[base + reflectIndex(i, count) * stride];
      for (let i = 0; i < count; i++) {
        const centre = i + radius;
        let acc = line[centre] * kernel[radius];
        for (let j = -radius; j < 0; j++) acc += (line[centre + j] + line[centre - j]) * kernel[radius + j];
        data[base + i * stride] = acc;
      }
    }
  }
}

/**
 * Smooths an HWC float32 image with a Gaussian of standard deviation `sigma` (pixels) along rows and columns.
 * `sigma` is rounded to float32 first, as upstream holds it in a float32 array.
 */
export function gaussianSmooth(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  sigma: number,
): void {
  const s = Math.fround(sigma);
  if (!(s > 1e-15)) return;
  // gaussian_filter1d: radius = int(truncate * sd + 0.5) with truncate 4.
  const radius = Math.trunc(4.0 * s + 0.5);
  const kernel = gaussianKernel(s, radius);
  // Axis 1 (rows of the image: vertical lines), then axis 2 (horizontal lines).
  correlateLines(data, width, channels, height, width * channels, kernel, radius, channels);
  correlateLines(data, height, width * channels, width, channels, kernel, radius, channels);
}
