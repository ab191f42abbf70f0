/**
 * Numeric comparison with named tolerances; a failure reports the worst index and both values.
 */
import assert from "node:assert/strict";

export interface Tolerance {
  readonly atol: number;
  readonly rtol?: number;
}

type Numeric = ArrayLike<number>;

/** Largest |a - e| over all entries, with its index. */
export function maxAbsDiff(actual: Numeric, expected: Numeric): { value: number; index: number } {
  assert.equal(actual.length, expected.length, `length ${actual.length} != expected ${expected.length}`);
  let value = 0;
  let index = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d > value || Number.isNaN(d)) {
      value = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      index = i;
    }
  }
  return { value, index };
}

/** Asserts |actual - expected| ≤ atol + rtol·|expected| everywhere; names `what` and the worst entry. */
export function assertClose(actual: Numeric, expected: Numeric, tol: Tolerance, what = "values"): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length ${actual.length} != expected ${expected.length}`,
  );
  const rtol = tol.rtol ?? 0;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const limit = tol.atol + rtol * Math.abs(expected[i]);
    const d = Math.abs(actual[i] - expected[i]);
    const excess = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d - limit;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    const { value } = maxAbsDiff(actual, expected);
    assert.fail(
      `${what}: expected |actual - expected| ≤ ${tol.atol}${rtol ? ` + ${rtol}·|expected|` : ""}; ` +
        `worst at index ${worst}: actual ${actual[worst]}, expected ${expected[worst]} (max abs diff ${value})`,
    );
  }
}
