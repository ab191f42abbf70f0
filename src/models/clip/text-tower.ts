/**
 * CLIP's text tower (`clip/model.py` `encode_text`; also OWL-ViT's text model): token + positional
 * embeddings, causal pre-LN transformer, the EOT token's features (EOT = the position of the largest token id),
 * `ln_final`, projection. int32 ids [B, T] → [B, embed] (no logit scale, not normalised).
 */
import type { NnContext } from "../../onnx/nn/context.js";
import { layerNorm } from "../../onnx/nn/layer-norm.js";
import { linear } from "../../onnx/nn/linear.js";
import { residualAttentionBlock } from "../../onnx/nn/residual-attention-block.js";
import type { ClipTextNames } from "./weight-names.js";

export interface TextTowerShape {
  readonly width: number;
  readonly heads: number;
  readonly contextLength: number;
}

/** CLIP's causal mask: 0 on and below the diagonal, -inf above ([T, T], additive). */
function causalMask(ctx: NnContext, length: number): string {
  return ctx.derived(`text.causal_mask_${length}`, {
    dims: [length, length],
    compute: () => {
      const mask = new Float32Array(length * length);
      for (let i = 0; i < length; i++)
        mask.fill(Number.NEGATIVE_INFINITY, i * length + i + 1, (i + 1) * length);
      return mask;
    },
  });
}

/** Pooled text features [B, width] (after `ln_final`, before the projection) of int32 ids [B, T]. */
export function clipTextPooled(
  ctx: NnContext,
  ids: string,
  names: ClipTextNames,
  shape: TextTowerShape,
): string {
  const g = ctx.g;
  const tokens = g.node("Gather", [ctx.weight(names.tokenEmbedding), ids], { axis: 0 });
  let x = g.node("Add", [tokens, ctx.weight(names.positionalEmbedding)]);
  const bias = causalMask(ctx, shape.contextLength);
  for (const [i, block] of names.blocks.entries()) {
    x = g.scoped(`text.block${i}`, () => residualAttentionBlock(ctx, x, block, { ...shape, bias }));
  }
  // EOT: the first position of the largest id, as torch.argmax on CLIP's token ids.
  const eot = g.node("ArgMax", [ids], { axis: 1, keepdims: 1, select_last_index: 0 });
  const pooled = g.node("GatherND", [x, eot], { batch_dims: 1 });
  return layerNorm(ctx, pooled, names.lnFinal);
}

/** Adds input `input_ids` int32 [batch, T] and output `text_embeds` float32 [batch, embed]. */
export function addClipTextEncoder(
  ctx: NnContext,
  names: ClipTextNames,
  shape: TextTowerShape,
  embedDim: number,
): void {
  const g = ctx.g;
  const ids = g.input("input_ids", "int32", ["batch", shape.contextLength]);
  const embeds = linear(ctx, clipTextPooled(ctx, ids, names, shape), names.projection);
  g.output(ctx.toFloat32(embeds), "text_embeds", "float32", ["batch", embedDim]);
}
