/**
 * Dense layers as MatMul (+ Add): weights are stored [in, out] in the graph (transposed at build time from
 * torch's [out, in]), so MatMul needs no runtime transpose. Also the fused q/k/v projection.
 */
import { type NnContext, transpose2d } from "./context.js";
import type { LinearNames, QkvNames } from "./names.js";

/** The [in, out] initializer for a linear weight. */
export function linearWeight(ctx: NnContext, names: LinearNames): string {
  if (names.layout === "in_out") return ctx.weight(names.weight);
  const [out, inp] = ctx.weights.shape(names.weight);
  return ctx.derived(`${names.weight}.T`, {
    dims: [inp, out],
    compute: () => transpose2d(ctx.weights.read(names.weight), out, inp),
  });
}

/** `x @ W (+ b)` over the last axis. */
export function linear(ctx: NnContext, x: string, names: LinearNames): string {
  const y = ctx.g.node("MatMul", [x, linearWeight(ctx, names)]);
  return names.bias === undefined ? y : ctx.g.node("Add", [y, ctx.weight(names.bias)]);
}

function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * The input projections of attention as one MatMul: `x @ [Wq | Wk | Wv] + [bq | bk | bv]` → [..., 3W].
 * Separate q/k/v weights (Hugging Face) are fused at build time into OpenAI's `in_proj` layout.
 */
export function qkvProjection(ctx: NnContext, x: string, names: QkvNames): string {
  if ("qkv" in names) return linear(ctx, x, names.qkv);
  const parts = [names.q, names.k, names.v];
  const [width, inp] = ctx.weights.shape(names.q.weight);
  const key = `${names.q.weight}+k+v`;
  const weight = ctx.derived(`${key}.T`, {
    dims: [inp, 3 * width],
    compute: () => transpose2d(concatRows(parts.map((p) => ctx.weights.read(p.weight))), 3 * width, inp),
  });
  const y = ctx.g.node("MatMul", [x, weight]);
  if (parts.some((p) => p.bias === undefined)) return y;
  const bias = ctx.derived(`${names.q.bias}+k+v`, {
    dims: [3 * width],
    compute: () => concatRows(parts.map((p) => ctx.weights.read(p.bias!))),
  });
  return ctx.g.node("Add", [y, bias]);
}
