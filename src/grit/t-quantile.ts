/**
 * Student-t quantiles for the GRIT confidence intervals (scipy `t.ppf` in `evaluate.py`): (p, df) → t.
 * jStat gives the starting point; for integer df it is refined to full float64 precision (see below).
 */
import jstat from "jstat";
import { invalidOption } from "../errors.js";

const { jStat } = jstat;

/**
 * P(|T| <= t) for integer `df`, by the finite series of Abramowitz & Stegun 26.7.3 / 26.7.4 in
 * θ = atan(t / √df). Powers of cos²θ = df / (df + t²) come from exp(j·log(cos²θ)) rather than a running
 * product, whose rounding error would grow with j (2.5e-12 at df 1e5); the sum is compensated (Neumaier) and
 * stops once the remaining terms cannot change it.
 */
function twoSidedCdf(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const sin = t / Math.sqrt(df + t * t);
  const logCos2 = -Math.log1p((t * t) / df);
  const odd = df % 2 === 1;
  if (odd && df === 1) return (2 * theta) / Math.PI;
  // Even df: Σ_{j=0}^{(df-2)/2} c_j cos^{2j}θ with c_j = c_{j-1}(2j-1)/(2j).
  // Odd df:  Σ_{j=0}^{(df-3)/2} c_j cos^{2j+1}θ with c_j = c_{j-1}(2j)/(2j+1).
  const last = odd ? (df - 3) / 2 : (df - 2) / 2;
  const shift = odd ? 0.5 : 0;
  let coefficient = 1;
  let sum = 0;
  let compensation = 0;
  for (let j = 0; j <= last; j++) {
    if (j > 0) coefficient *= odd ? (2 * j) / (2 * j + 1) : (2 * j - 1) / (2 * j);
    const term = coefficient * Math.exp((j + shift) * logCos2);
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
    if (term < sum * 1e-18) break;
  }
  sum += compensation;
  return odd ? (2 / Math.PI) * (theta + sin * sum) : sin * sum;
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom.
 *
 * jStat's `studentt.inv` stops its incomplete-beta iterations at a relative tolerance of 3e-7, which leaves
 * quantiles off by up to ~5e-8 (relative); interval bounds would then miss scipy's by up to ~1e-7, above the
 * 1e-9 the fixtures allow. For integer df (always the case in GRIT: df = N − 1) a few Newton steps on the exact
 * series above bring it to float64 precision.
 *
 * @example
 * studentTQuantile(0.975, 10); // 2.2281388519649385 (scipy: t.ppf(0.975, 10))
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw invalidOption("p", "a probability in (0, 1)", p);
  if (!(df > 0) || !Number.isFinite(df)) throw invalidOption("df", "a positive finite number", df);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let t = jStat.studentt.inv(p, df);
  if (!Number.isInteger(df)) return t;
  const target = 2 * p - 1;
  for (let step = 0; step < 20; step++) {
    // d/dt P(|T| <= t) = 2·pdf(t); the pdf only sets the step size, so jStat's precision is enough here.
    const delta = (twoSidedCdf(t, df) - target) / (2 * jStat.studentt.pdf(t, df));
    t -= delta;
    if (Math.abs(delta) <= 1e-15 * t) break;
  }
  return t;
}
