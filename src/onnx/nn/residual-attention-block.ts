/**
 * The pre-LN transformer block of CLIP (`ResidualAttentionBlock`) and Hugging Face `CLIPEncoderLayer`:
 * x + attn(ln_1(x)), then + mlp(ln_2(x)). [B, T, W] → [B, T, W].
 */
import { type AttentionOptions, multiHeadAttention } from "./attention.js";
import type { NnContext } from "./context.js";
import { layerNorm } from "./layer-norm.js";
import { linear, qkvProjection } from "./linear.js";
import { mlp } from "./mlp.js";
import type { BlockNames } from "./names.js";

/** q, k, v [..., W] of `ln_1(x)`: what a block's attention reads (SLICViT reuses the patch tokens' k and v). */
export function blockQkv(
  ctx: NnContext,
  x: string,
  names: BlockNames,
  width: number,
): { q: string; k: string; v: string } {
  const qkv = qkvProjection(ctx, layerNorm(ctx, x, names.ln1), names.attention);
  const [q, k, v] = ctx.g.nodeOutputs("Split", [qkv, ctx.g.int64([width, width, width])], 3, { axis: -1 });
  return { q, k, v };
}

/** The block's second half: `x + mlp(ln_2(x))`. */
export function blockMlp(ctx: NnContext, x: string, names: BlockNames): string {
  return ctx.g.node("Add", [x, mlp(ctx, layerNorm(ctx, x, names.ln2), names)]);
}

/** One whole block. */
export function residualAttentionBlock(
  ctx: NnContext,
  x: string,
  names: BlockNames,
  options: AttentionOptions,
): string {
  const { q, k, v } = blockQkv(ctx, x, names, options.width);
  const attended = linear(ctx, multiHeadAttention(ctx, q, k, v, options), names.out);
  return blockMlp(ctx, ctx.g.node("Add", [x, attended]), names);
}
