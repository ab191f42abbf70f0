/**
 * CLIP image preprocessing for an image already at the model's resolution (CLIP's Resize/CenterCrop are
 * no-ops then): ToTensor (÷255) and Normalize with CLIP's mean/std, in float32 as torchvision computes them.
 * RgbImage (HWC uint8) → Float32Array [1, 3, H, W].
 */
import type { RgbImage } from "../../vision/image.js";

/** CLIP's normalisation constants (`clip/clip.py` `_transform`). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** The normalised NCHW float tensor of an RGB image. */
export function clipPixelValues(image: RgbImage): Float32Array {
  const { width, height, data } = image;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const fr = Math.fround;
  for (let c = 0; c < 3; c++) {
    const mean = fr(CLIP_MEAN[c]);
    const std = fr(CLIP_STD[c]);
    // One table per channel: 256 possible inputs, each computed as `fr(fr(v / 255) - mean) / std` in float32.
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = fr(fr(fr(v / 255) - mean) / std);
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = table[data[i * 3 + c]];
  }
  return out;
}
