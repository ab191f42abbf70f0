/**
 * Float64 summation in NumPy's order (`np.sum` / pandas `.sum()` on a contiguous float64 array: pairwise
 * summation with an 8-way unrolled block of up to 128 values), so sums match the reference bit for bit where
 * that is cheap to do. Input: numbers → their sum.
 */

const BLOCK = 128;

function sumRange(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= BLOCK) {
    let r0 = values[start];
    let r1 = values[start + 1];
    let r2 = values[start + 2];
    let r3 = values[start + 3];
    let r4 = values[start + 4];
    let r5 = values[start + 5];
    let r6 = values[start + 6];
    let r7 = values[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const at = start + i;
      r0 += values[at];
      r1 += values[at + 1];
      r2 += values[at + 2];
      r3 += values[at + 3];
      r4 += values[at + 4];
      r5 += values[at + 5];
      r6 += values[at + 6];
      r7 += values[at + 7];
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return sumRange(values, start, half) + sumRange(values, start + half, n - half);
}

/**
 * Sum of `values` in NumPy's pairwise order.
 *
 * @example
 * pairwiseSum([0.1, 0.2, 0.3]); // 0.6000000000000001
 */
export function pairwiseSum(values: ArrayLike<number>): number {
  return sumRange(values, 0, values.length);
}
