/**
 * Multi-head scaled dot-product attention over [batch, tokens, width] tensors (torch
 * `F.multi_head_attention_forward` semantics: q divided by sqrt(head dim), additive mask, softmax).
 * q, k, v [B, T, W] → [B, T, W] (before the output projection).
 */
import type { NnContext } from "./context.js";

export interface AttentionOptions {
  readonly heads: number;
  readonly width: number;
  /** Additive bias broadcastable to [B, heads, Tq, Tk] (e.g. CLIP's causal mask [T, T]). */
  readonly bias?: string;
}

/** Splits heads: [B, T, W] → [B, H, T, dh] (or [B, H, dh, T] with `keyLayout`). */
export function splitHeads(
  ctx: NnContext,
  x: string,
  heads: number,
  width: number,
  keyLayout = false,
): string {
  const g = ctx.g;
  const reshaped = g.node("Reshape", [x, g.int64([0, 0, heads, width / heads])]);
  return g.node("Transpose", [reshaped], { perm: keyLayout ? [0, 2, 3, 1] : [0, 2, 1, 3] });
}

/** Merges heads: [B, H, T, dh] → [B, T, W]. */
export function mergeHeads(ctx: NnContext, x: string, width: number): string {
  const g = ctx.g;
  return g.node("Reshape", [g.node("Transpose", [x], { perm: [0, 2, 1, 3] }), g.int64([0, 0, width])]);
}

/** softmax((q / sqrt(dh)) kᵀ + bias) v, all heads at once. */
export function multiHeadAttention(
  ctx: NnContext,
  q: string,
  k: string,
  v: string,
  options: AttentionOptions,
): string {
  const g = ctx.g;
  const { heads, width } = options;
  const qh = g.node("Div", [splitHeads(ctx, q, heads, width), ctx.scalar(Math.sqrt(width / heads))]);
  let scores = g.node("MatMul", [qh, splitHeads(ctx, k, heads, width, true)]);
  if (options.bias !== undefined) scores = g.node("Add", [scores, options.bias]);
  const probs = g.node("Softmax", [scores], { axis: -1 });
  return mergeHeads(ctx, g.node("MatMul", [probs, splitHeads(ctx, v, heads, width)]), width);
}
