/**
 * SLIC's last stage: a port of scikit-image 0.19.3 `_slic.pyx` `_enforce_label_connectivity_cython` for a
 * 2-D image. Cluster ids per pixel → connected labels from 1: a breadth-first search per component (capped at
 * `maxSize` pixels), and components smaller than `minSize` merged into the last adjacent labelled one.
 */

/**
 * Relabels `segments` into `out` (same length) and returns the number of labels.
 * `queue` must hold at least `maxSize` entries.
 */
export function enforceLabelConnectivity(
  segments: Int32Array,
  width: number,
  height: number,
  minSize: number,
  maxSize: number,
  out: Int32Array,
  queue: Int32Array,
): number {
  const pixels = width * height;
  out.fill(0, 0, pixels);
  let current = 1;
  for (let start = 0; start < pixels; start++) {
    if (out[start] > 0) continue;
    let adjacent = current;
    const label = segments[start];
    out[start] = current;
    let size = 1;
    let visited = 0;
    queue[0] = start;
    while (visited < size && size < maxSize) {
      const p = queue[visited];
      const y = (p / width) | 0;
      const x = p - y * width;
      // Neighbour order of upstream: x + 1, x - 1, y + 1, y - 1.
      for (let i = 0; i < 4; i++) {
        let q: number;
        if (i === 0) {
          if (x + 1 >= width) continue;
          q = p + 1;
        } else if (i === 1) {
          if (x === 0) continue;
          q = p - 1;
        } else if (i === 2) {
          if (y + 1 >= height) continue;
          q = p + width;
        } else {
          if (y === 0) continue;
          q = p - width;
        }
        const seen = out[q];
        if (segments[q] === label && seen === 0) {
          out[q] = current;
          queue[size++] = q;
          if (size >= maxSize) break;
        } else if (seen > 0 && seen !== current) {
          adjacent = seen;
        }
      }
      visited++;
    }
    if (size < minSize) {
      for (let i = 0; i < size; i++) out[queue[i]] = adjacent;
    } else {
      current++;
    }
  }
  let count = 0;
  for (let i = 0; i < pixels; i++) if (out[i] > count) count = out[i];
  return count;
}
