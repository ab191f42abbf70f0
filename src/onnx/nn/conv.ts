/**
 * 2-D convolutions for CNN backbones: a plain `Conv` (+ bias), and a convolution followed by a frozen
 * (inference-mode) batch norm folded into the convolution's weight and bias at build time.
 * Folding is `W' = W·s`, `b' = β − μ·s` with `s = γ / √(σ² + ε)`, computed in double precision and rounded once
 * to float32: it changes results by float32 rounding only (ORT would fuse Conv + BatchNormalization the same way).
 */
import type { NnContext } from "./context.js";

/** A batch-norm module's tensors (torch `BatchNorm2d`, detectron2 `FrozenBatchNorm2d`) and its epsilon. */
export interface BatchNormNames {
  readonly weight: string;
  readonly bias: string;
  readonly runningMean: string;
  readonly runningVar: string;
  /** @default 1e-5 (torch and detectron2 FrozenBN) */
  readonly eps?: number;
}

/** The tensor names of a batch-norm module at `prefix` (`<prefix>.weight`, `.bias`, `.running_mean`, `.running_var`). */
export function batchNormNames(prefix: string, eps = 1e-5): BatchNormNames {
  return {
    weight: `${prefix}.weight`,
    bias: `${prefix}.bias`,
    runningMean: `${prefix}.running_mean`,
    runningVar: `${prefix}.running_var`,
    eps,
  };
}

export interface ConvOptions {
  /** @default 1 */
  readonly stride?: number;
  /** Zero padding on every side. @default 0 */
  readonly pad?: number;
}

function convAttributes(options: ConvOptions) {
  const stride = options.stride ?? 1;
  const pad = options.pad ?? 0;
  return { strides: [stride, stride], pads: [pad, pad, pad, pad] };
}

/** `Conv(x, W) (+ b)`; the kernel size comes from the weight [out, in, kh, kw]. */
export function conv2d(
  ctx: NnContext,
  x: string,
  weight: string,
  bias?: string,
  options: ConvOptions = {},
): string {
  const inputs = [x, ctx.weight(weight), ...(bias === undefined ? [] : [ctx.weight(bias)])];
  return ctx.g.node("Conv", inputs, convAttributes(options));
}

/** `BN(Conv(x, W))` for a bias-free convolution, with the frozen batch norm folded into the weight and bias. */
export function conv2dBatchNorm(
  ctx: NnContext,
  x: string,
  weight: string,
  bn: BatchNormNames,
  options: ConvOptions = {},
): string {
  const dims = ctx.weights.shape(weight);
  const out = dims[0];
  const scale = () => {
    const gamma = ctx.weights.read(bn.weight);
    const variance = ctx.weights.read(bn.runningVar);
    const eps = bn.eps ?? 1e-5;
    return Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + eps));
  };
  const foldedWeight = ctx.derived(`${weight}+bn`, {
    dims,
    compute: () => {
      const w = ctx.weights.read(weight);
      const s = scale();
      const perOut = w.length / out;
      const folded = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) folded[i] = w[i] * s[Math.floor(i / perOut)];
      return folded;
    },
  });
  const foldedBias = ctx.derived(`${bn.bias}+bn`, {
    dims: [out],
    compute: () => {
      const beta = ctx.weights.read(bn.bias);
      const mean = ctx.weights.read(bn.runningMean);
      const s = scale();
      return Float32Array.from(beta, (b, c) => b - mean[c] * s[c]);
    },
  });
  return ctx.g.node("Conv", [x, foldedWeight, foldedBias], convAttributes(options));
}
