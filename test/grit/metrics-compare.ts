/**
 * Test support: compares a metrics object with the fixtures' metrics.json / metrics_unrounded.json using the
 * README's tolerances (grit/README.md, "metrics.json – what a port must reproduce").
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";

/** Every run folder under grit/runs (held-out runs dropped there in the same format are picked up too). */
export function fixtureRuns(): string[] {
  return readdirSync(fixturePath("grit", "runs"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

const tTable = new Map(
  readFixtureJson<{ table: [number, number][] }>("grit", "t_quantiles.json").table.map(([df, q]) => [df, q]),
);

/**
 * Extra tolerance for a t-interval bound: scipy 1.10 computed t.ppf with cdflib, up to 4e-9 (relative) off the
 * true quantile that we compute (see t-quantile.ts); the bound moves by that much of its half-width.
 * Reconstructs the half-width from the expected values and the scipy quantile of t_quantiles.json.
 */
function tAllowance(key: string, expected: Record<string, number>, ours: number): number {
  const parts = key.split(".");
  if (parts.length !== 5 || parts[3] !== "loc" || parts[2] === "agg") return 0;
  if (parts[4] !== "upper" && parts[4] !== "lower") return 0;
  const cnt = expected[`${parts.slice(0, 4).join(".")}.cnt`];
  const scipyQ = tTable.get(cnt - 1);
  if (scipyQ === undefined) return 0; // df > 1000 outside the table: cdflib is within 5e-16 there
  const mean = expected[`${parts.slice(0, 4).join(".")}.mean`];
  return Math.abs(ours / scipyQ - 1) * Math.abs(expected[key] - mean) * 1.01;
}

/** Asserts the same key set, exact cnt/params, and values within `atol` (+ the t allowance for bounds). */
export function assertMetricsMatch(
  actual: Readonly<Record<string, number>>,
  expected: Record<string, number>,
  options: { atol: number; what: string; studentT: (df: number) => number },
): void {
  const { atol, what } = options;
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: key sets differ`);
  for (const [key, e] of Object.entries(expected)) {
    const a = actual[key];
    if (key === "params" || key.endsWith(".cnt")) {
      assert.ok(Number.isInteger(a), `${what}: ${key} = ${a} is not an integer`);
      assert.equal(a, e, `${what}: ${key}`);
      continue;
    }
    const parts = key.split(".");
    const cnt = expected[`${parts.slice(0, 4).join(".")}.cnt`];
    const allowance = cnt === undefined ? 0 : tAllowance(key, expected, options.studentT(cnt - 1));
    const diff = Math.abs(a - e);
    assert.ok(
      diff <= atol + allowance,
      `${what}: ${key}: got ${a}, expected ${e} (|diff| ${diff}, tol ${atol + allowance})`,
    );
  }
}
