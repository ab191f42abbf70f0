/**
 * SLICViT's positional embedding (adapting-CLIP `spatial_clip/vit/spatial_vit.py`, `upsample_pos_emb`): the
 * class row kept, the n×n grid rows bilinearly upsampled to (n·f)×(n·f) (`align_corners=False`), then rounded
 * to float16 as upstream's `.half()` does. [1 + n², W] → [1 + (n·f)², W].
 */
import { roundToFloat16 } from "../../onnx/float16.js";

const fr = Math.fround;

interface Taps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

/** PyTorch's CPU linear-interpolation taps (`area_pixel_compute_source_index`, float32 arithmetic). */
function linearTaps(inSize: number, outSize: number): Taps {
  const scale = fr(inSize / outSize);
  const taps = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float32Array(outSize),
    w1: new Float32Array(outSize),
  };
  for (let d = 0; d < outSize; d++) {
    let src = fr(fr(scale * fr(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.floor(src);
    taps.i0[d] = i0;
    taps.i1[d] = i0 + (i0 < inSize - 1 ? 1 : 0);
    const lambda1 = Math.min(Math.max(fr(src - i0), 0), 1);
    taps.w1[d] = lambda1;
    taps.w0[d] = fr(1 - lambda1);
  }
  return taps;
}

/**
 * Bilinear upsampling of the grid rows as PyTorch 1.13 computes it on CPU in float32: height taps outside,
 * width taps inside, each `t0 * w0 + t1 * w1` compiled to `fma(t0, w0, t1 * w1)` (this order reproduces
 * `pos_emb_used.f32` bit for bit; plain float32 rounding of each step differs in 8 of 131,072 fp16 values).
 * Without the fp16 rounding.
 */
export function upsampleGridBilinear(embedding: Float32Array, width: number, factor: number): Float32Array {
  const n = Math.round(Math.sqrt(embedding.length / width - 1));
  const m = n * factor;
  const taps = linearTaps(n, m);
  const out = new Float32Array((1 + m * m) * width);
  out.set(embedding.subarray(0, width), 0);
  for (let y = 0; y < m; y++) {
    const ry0 = 1 + taps.i0[y] * n;
    const ry1 = 1 + taps.i1[y] * n;
    const h0 = taps.w0[y];
    const h1 = taps.w1[y];
    for (let x = 0; x < m; x++) {
      const cx0 = taps.i0[x];
      const cx1 = taps.i1[x];
      const w0 = taps.w0[x];
      const w1 = taps.w1[x];
      const o = (1 + y * m + x) * width;
      const a00 = (ry0 + cx0) * width;
      const a01 = (ry0 + cx1) * width;
      const a10 = (ry1 + cx0) * width;
      const a11 = (ry1 + cx1) * width;
      for (let c = 0; c < width; c++) {
        // A float32 product is exact in float64, so `fr(a * b + c)` is a fused multiply-add (but for rare
        // double-rounding ties).
        const top = fr(embedding[a00 + c] * w0 + fr(embedding[a01 + c] * w1));
        const bottom = fr(embedding[a10 + c] * w0 + fr(embedding[a11 + c] * w1));
        out[o + c] = fr(top * h0 + fr(bottom * h1));
      }
    }
  }
  return out;
}

/** The positional embedding SLICViT adds: grid upsampled by `factor`, everything rounded to fp16. */
export function slicVitPositionalEmbedding(
  embedding: Float32Array,
  width: number,
  factor: number,
): Float32Array {
  return roundToFloat16(factor === 1 ? embedding : upsampleGridBilinear(embedding, width, factor));
}
