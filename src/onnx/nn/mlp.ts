/**
 * The transformer MLP: up-projection, quick_gelu (`x * sigmoid(1.702 x)`, as OpenAI CLIP and OWL-ViT use),
 * down-projection. Written with plain ops; ONNX Runtime fuses them into its QuickGelu kernel.
 */
import type { NnContext } from "./context.js";
import { linear } from "./linear.js";
import type { LinearNames } from "./names.js";

/** `x * sigmoid(1.702 * x)`. */
export function quickGelu(ctx: NnContext, x: string): string {
  const g = ctx.g;
  return g.node("Mul", [x, g.node("Sigmoid", [g.node("Mul", [x, ctx.scalar(1.702)])])]);
}

/** `proj(quick_gelu(fc(x)))`. */
export function mlp(
  ctx: NnContext,
  x: string,
  names: { readonly fc: LinearNames; readonly proj: LinearNames },
): string {
  return linear(ctx, quickGelu(ctx, linear(ctx, x, names.fc)), names.proj);
}
