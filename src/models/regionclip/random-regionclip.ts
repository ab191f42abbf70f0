/**
 * A seeded random RegionCLIP in the real topology at any width, under the loaded `CLIPFastRCNN` state-dict names
 * (the layout of the fixtures' `weights.safetensors`): CLIP ModifiedResNet [3, 4, 6, 3] + attention pool as
 * `backbone.*`, detectron2 R50-FPN + StandardRPNHead as `offline_backbone.*` / `offline_proposal_generator.*`,
 * CLIP's text tower as `lang_encoder.*`. The benchmark's RN50-sized model and `gritloc doctor`'s probe model;
 * scores mean nothing. Size + seed → tensors (in memory, a WeightReader) → a `.safetensors` file.
 */

import type { WeightReader } from "../../onnx/nn/context.js";
import { seededUniform } from "../../seeded-uniform.js";
import { randomTensor } from "../smoke/random-tensor.js";
import { type SafetensorsTensor, writeSafetensors } from "../weights/safetensors-writer.js";

/** The widths a random RegionCLIP is drawn with (block counts are always RN50's / R50's [3, 4, 6, 3]). */
export interface RandomRegionClipSize {
  /** CLIP ResNet width: stem convs width/2, width/2, width; res4 16·width, res5 32·width (a multiple of 64). */
  readonly clipWidth: number;
  /** Region feature and class-embedding width D (`attnpool.c_proj` rows, `text_projection` columns). */
  readonly embedDim: number;
  /** R50-FPN stem channels. */
  readonly rpnStem: number;
  /** R50-FPN res2 bottleneck width (res_s: bottleneck·2^(s−2), output 4× that). */
  readonly rpnBottleneck: number;
  /** FPN and RPN-head channels. */
  readonly fpnChannels: number;
  /** CLIP text tower width (heads = width / 64, as the localizer assumes by default) and depth. */
  readonly textWidth: number;
  readonly textLayers: number;
}

/** RegionCLIP RN50: CLIP RN50 (width 64, D 1024), R50-FPN (stem 64, FPN 256), text 512 × 12 (129.6 M parameters). */
export const REGIONCLIP_RN50_SIZE: RandomRegionClipSize = Object.freeze({
  clipWidth: 64,
  embedDim: 1024,
  rpnStem: 64,
  rpnBottleneck: 64,
  fpnChannels: 256,
  textWidth: 512,
  textLayers: 12,
});

const BLOCKS = [3, 4, 6, 3] as const;

/** A WeightReader over tensors drawn in memory from one seeded stream, in the order they are added. */
export class RandomWeights implements WeightReader {
  readonly #tensors = new Map<string, SafetensorsTensor>();
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededUniform(seed);
  }

  random(name: string, shape: number[], std: number): void {
    this.#tensors.set(name, randomTensor(this.#next, shape, std));
  }

  constant(name: string, shape: number[], value: number): void {
    const data = new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(value);
    this.#tensors.set(name, { shape, data });
  }

  /** He-initialised; `gain` < 1 on a residual branch's last conv keeps 16 stacked blocks from blowing up. */
  conv(name: string, out: number, inp: number, k: number, gain = 1): void {
    this.random(name, [out, inp, k, k], gain * Math.sqrt(2 / (inp * k * k)));
  }

  batchNorm(prefix: string, channels: number): void {
    this.constant(`${prefix}.weight`, [channels], 1);
    this.constant(`${prefix}.bias`, [channels], 0);
    this.constant(`${prefix}.running_mean`, [channels], 0);
    this.constant(`${prefix}.running_var`, [channels], 1);
  }

  get parameters(): number {
    let n = 0;
    for (const t of this.#tensors.values()) n += t.data.length;
    return n;
  }

  /** Every tensor by name (for `writeSafetensors`). */
  get tensors(): Record<string, SafetensorsTensor> {
    return Object.fromEntries(this.#tensors);
  }

  has = (name: string) => this.#tensors.has(name);
  shape = (name: string) => {
    const t = this.#tensors.get(name);
    if (t === undefined) throw new Error(`random weights: no ${name}`);
    return t.shape;
  };
  read = (name: string) => {
    const t = this.#tensors.get(name);
    if (t === undefined) throw new Error(`random weights: no ${name}`);
    return t.data;
  };
}

/** CLIP ModifiedResNet (layers 3-4-6-3, attnpool with res5/64 heads over 7×7 + 1 tokens) as `backbone.*`. */
export function addClipResNet(w: RandomWeights, size: RandomRegionClipSize): void {
  const p = "backbone.";
  const width = size.clipWidth;
  const stem = [width / 2, width / 2, width];
  let inp = 3;
  for (const [i, out] of stem.entries()) {
    w.conv(`${p}conv${i + 1}.weight`, out, inp, 3);
    w.batchNorm(`${p}bn${i + 1}`, out);
    inp = out;
  }
  for (const [l, blocks] of BLOCKS.entries()) {
    const planes = width * 2 ** l;
    for (let b = 0; b < blocks; b++) {
      const q = `${p}layer${l + 1}.${b}`;
      w.conv(`${q}.conv1.weight`, planes, inp, 1);
      w.batchNorm(`${q}.bn1`, planes);
      w.conv(`${q}.conv2.weight`, planes, planes, 3);
      w.batchNorm(`${q}.bn2`, planes);
      w.conv(`${q}.conv3.weight`, planes * 4, planes, 1, 0.2);
      w.batchNorm(`${q}.bn3`, planes * 4);
      if (b === 0) {
        w.conv(`${q}.downsample.0.weight`, planes * 4, inp, 1);
        w.batchNorm(`${q}.downsample.1`, planes * 4);
      }
      inp = planes * 4;
    }
  }
  const [channels, embed] = [inp, size.embedDim];
  w.random(`${p}attnpool.positional_embedding`, [50, channels], channels ** -0.5);
  for (const proj of ["q_proj", "k_proj", "v_proj"]) {
    w.random(`${p}attnpool.${proj}.weight`, [channels, channels], channels ** -0.5);
    w.constant(`${p}attnpool.${proj}.bias`, [channels], 0);
  }
  w.random(`${p}attnpool.c_proj.weight`, [embed, channels], channels ** -0.5);
  w.constant(`${p}attnpool.c_proj.bias`, [embed], 0);
}

/** detectron2 R50-FPN + StandardRPNHead (3 anchors) as `offline_backbone.*` / `offline_proposal_generator.*`. */
export function addR50Fpn(w: RandomWeights, size: RandomRegionClipSize): void {
  const p = "offline_backbone.bottom_up";
  w.conv(`${p}.stem.conv1.weight`, size.rpnStem, 3, 7);
  w.batchNorm(`${p}.stem.conv1.norm`, size.rpnStem);
  let inp = size.rpnStem;
  const stageOutputs: number[] = [];
  for (const [s, blocks] of BLOCKS.entries()) {
    const bottleneck = size.rpnBottleneck * 2 ** s;
    const out = 4 * bottleneck;
    for (let b = 0; b < blocks; b++) {
      const q = `${p}.res${s + 2}.${b}`;
      const convs: [string, number, number, number, number][] = [
        ["conv1", bottleneck, inp, 1, 1],
        ["conv2", bottleneck, bottleneck, 3, 1],
        ["conv3", out, bottleneck, 1, 0.2],
      ];
      if (b === 0) convs.push(["shortcut", out, inp, 1, 1]);
      for (const [name, o, i, k, gain] of convs) {
        w.conv(`${q}.${name}.weight`, o, i, k, gain);
        w.batchNorm(`${q}.${name}.norm`, o);
      }
      inp = out;
    }
    stageOutputs.push(inp);
  }
  const fpn = size.fpnChannels;
  for (const [level, channels] of stageOutputs.entries()) {
    w.conv(`offline_backbone.fpn_lateral${level + 2}.weight`, fpn, channels, 1);
    w.constant(`offline_backbone.fpn_lateral${level + 2}.bias`, [fpn], 0);
    w.conv(`offline_backbone.fpn_output${level + 2}.weight`, fpn, fpn, 3);
    w.constant(`offline_backbone.fpn_output${level + 2}.bias`, [fpn], 0);
  }
  const head = "offline_proposal_generator.rpn_head";
  w.conv(`${head}.conv.weight`, fpn, fpn, 3);
  w.constant(`${head}.conv.bias`, [fpn], 0);
  w.random(`${head}.objectness_logits.weight`, [3, fpn, 1, 1], 1e-3);
  // A positive bias: every proposal keeps its row (no NaN drop), the heaviest case for the head.
  w.constant(`${head}.objectness_logits.bias`, [3], 2);
  w.random(`${head}.anchor_deltas.weight`, [12, fpn, 1, 1], 1e-4);
  w.constant(`${head}.anchor_deltas.bias`, [12], 0);
}

/** CLIP's text tower (OpenAI names: context 77, vocabulary 49,408, QuickGELU MLP ×4) as `lang_encoder.*`. */
export function addClipText(w: RandomWeights, size: RandomRegionClipSize): void {
  const p = "lang_encoder.";
  const width = size.textWidth;
  const attnStd = width ** -0.5;
  const projStd = attnStd * (2 * size.textLayers) ** -0.5;
  w.random(`${p}token_embedding.weight`, [49408, width], 0.02);
  w.random(`${p}positional_embedding`, [77, width], 0.01);
  for (let i = 0; i < size.textLayers; i++) {
    const b = `${p}transformer.resblocks.${i}`;
    w.random(`${b}.attn.in_proj_weight`, [3 * width, width], attnStd);
    w.constant(`${b}.attn.in_proj_bias`, [3 * width], 0);
    w.random(`${b}.attn.out_proj.weight`, [width, width], projStd);
    w.constant(`${b}.attn.out_proj.bias`, [width], 0);
    for (const ln of ["ln_1", "ln_2"]) {
      w.constant(`${b}.${ln}.weight`, [width], 1);
      w.constant(`${b}.${ln}.bias`, [width], 0);
    }
    w.random(`${b}.mlp.c_fc.weight`, [4 * width, width], (2 * width) ** -0.5);
    w.constant(`${b}.mlp.c_fc.bias`, [4 * width], 0);
    w.random(`${b}.mlp.c_proj.weight`, [width, 4 * width], projStd);
    w.constant(`${b}.mlp.c_proj.bias`, [width], 0);
  }
  w.constant(`${p}ln_final.weight`, [width], 1);
  w.constant(`${p}ln_final.bias`, [width], 0);
  w.random(`${p}text_projection`, [width, size.embedDim], width ** -0.5);
}

/** The whole random model (recognition, proposals, text), drawn in that order from `seed`. */
export function randomRegionClipWeights(size: RandomRegionClipSize, seed: number): RandomWeights {
  const w = new RandomWeights(seed);
  addClipResNet(w, size);
  addR50Fpn(w, size);
  addClipText(w, size);
  return w;
}

/**
 * Writes {@link randomRegionClipWeights} to `path` as a `.safetensors` file that `openRegionClipWeights` reads
 * (no RPN file needed: it carries the `offline_*` tensors). Returns the parameter count.
 * @example writeRandomRegionClip(join(dir, "regionclip.safetensors"), REGIONCLIP_RN50_SIZE, 0);
 */
export function writeRandomRegionClip(path: string, size: RandomRegionClipSize, seed: number): number {
  const weights = randomRegionClipWeights(size, seed);
  writeSafetensors(path, weights.tensors);
  return weights.parameters;
}
