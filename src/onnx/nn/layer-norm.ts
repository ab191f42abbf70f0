/**
 * LayerNorm over the last axis (ONNX LayerNormalization, opset 17). In fp16 graphs it still normalises in
 * float32 (stash_type 1), as CLIP's `LayerNorm` subclass does.
 */
import { float } from "../graph-builder.js";
import type { NnContext } from "./context.js";
import type { LayerNormNames } from "./names.js";

/** `LayerNorm(x)` with the named weight and bias; eps 1e-5 as in CLIP. */
export function layerNorm(ctx: NnContext, x: string, names: LayerNormNames, epsilon = 1e-5): string {
  return ctx.g.node("LayerNormalization", [x, ctx.weight(names.weight), ctx.weight(names.bias)], {
    axis: -1,
    epsilon: float(epsilon),
  });
}
