import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { studentTQuantile } from "../../src/grit/t-quantile.js";
import { readFixtureJson } from "../support/fixtures.js";

// Fixture: grit/t_quantiles.json = scipy 1.10.1 t.ppf(0.975, df). scipy 1.10 computes it with cdflib's cdft,
// a root search stopped at a 1e-8 tolerance: its values differ from the true quantile by up to 4.1e-9
// (relative) at df 30–90, 6.3e-11 at df 90–300, 1.6e-13 at df 300–1000 and 5e-16 above (measured against
// mpmath at 30 digits). We compute the true quantile, so the tolerance follows that profile.
const fixture = readFixtureJson<{ table: [number, number][]; check_interval_df10: [number, number] }>(
  "grit",
  "t_quantiles.json",
);

function scipyDeviationBound(df: number): number {
  if (df < 30) return 1e-9;
  if (df < 90) return 5e-9;
  if (df < 300) return 1e-10;
  if (df < 1000) return 1e-12;
  return 1e-13; // ours is within 1.1e-14 of the true quantile up to df 1e5
}

test("studentTQuantile(0.975, df) matches scipy 1.10 for every df in t_quantiles.json (within cdflib's error)", () => {
  assert.ok(fixture.table.length > 1000, "the table covers df 1..1000 and beyond");
  for (const [df, expected] of fixture.table) {
    const actual = studentTQuantile(0.975, df);
    const rel = Math.abs(actual - expected) / expected;
    assert.ok(rel <= scipyDeviationBound(df), `df ${df}: got ${actual}, expected ${expected} (rel ${rel})`);
  }
});

test("studentTQuantile is exact where a closed form exists (df 1 and 2)", () => {
  // df 1 (Cauchy): t = tan(π(p − 1/2)); df 2: t = (2p − 1)·sqrt(2 / (1 − (2p − 1)²)).
  assert.ok(Math.abs(studentTQuantile(0.975, 1) - Math.tan(Math.PI * 0.475)) <= 1e-14 * 12.7);
  const a = 2 * 0.975 - 1;
  assert.ok(Math.abs(studentTQuantile(0.975, 2) - a * Math.sqrt(2 / (1 - a * a))) <= 1e-14 * 4.3);
});

test("studentTQuantile is symmetric: the 0.025 quantile is the negative 0.975 one (t.interval df 10)", () => {
  const [lower, upper] = fixture.check_interval_df10;
  assert.equal(studentTQuantile(0.025, 10), -studentTQuantile(0.975, 10));
  assert.ok(Math.abs(studentTQuantile(0.025, 10) - lower) <= 1e-9 * upper);
  assert.equal(studentTQuantile(0.5, 7), 0);
});

test("studentTQuantile rejects a probability outside (0, 1) and a non-positive df", () => {
  assert.throws(
    () => studentTQuantile(1, 5),
    (e) =>
      isGritlocError(e, "E_INVALID_OPTION") && /Expected a probability in \(0, 1\) for p/.test(e.message),
  );
  assert.throws(
    () => studentTQuantile(0.9, 0),
    (e) => isGritlocError(e, "E_INVALID_OPTION") && /for df but received 0/.test(e.message),
  );
});
