/**
 * The shape of RegionCLIP's CLIP ModifiedResNet (recognition branch), read from the weights alone, so RN50,
 * RN50x4 and the fixtures' tiny topology need no config: weights → ClipResNetTopology.
 */
import { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";

/** Where the CLIP visual tensors live in a detector state dict (`CLIPFastRCNN.backbone`). */
export const CLIP_BACKBONE_PREFIX = "backbone.";

export interface ClipResNetTopology {
  /** Bottleneck blocks in layer1..layer4: [3, 4, 6, 3] (RN50), [4, 6, 10, 6] (RN50x4). */
  readonly layers: readonly [number, number, number, number];
  /** Output channels of the three stem convs: [32, 32, 64] (RN50), [40, 40, 80] (RN50x4). */
  readonly stemWidths: readonly [number, number, number];
  /** layer3 output (res4) channels: 1024 / 1280. */
  readonly res4Channels: number;
  /** layer4 output (res5) channels: 2048 / 2560. */
  readonly res5Channels: number;
  /** Attention-pool heads (CLIP: res5 channels / 64): 32 / 40. */
  readonly heads: number;
  /** Side of the res5 grid of one RoI (attention-pool tokens = side² + 1): 7 / 9. */
  readonly res5Grid: number;
  /** RoIAlign output side, twice the res5 grid (layer4 halves it): 14 / 18. */
  readonly poolerResolution: number;
  /** Region feature size (`attnpool.c_proj` output): 1024 / 640. */
  readonly embedDim: number;
}

function layerDepth(weights: WeightReader, prefix: string, layer: number): number {
  let blocks = 0;
  while (weights.has(`${prefix}layer${layer}.${blocks}.conv1.weight`)) blocks++;
  return blocks;
}

/**
 * Reads the topology from `<prefix>conv1..3`, `<prefix>layerN.M.*` and `<prefix>attnpool.*` shapes.
 * @throws GritlocError E_WEIGHTS_INVALID when a needed tensor is missing or the shapes do not fit a
 *   ModifiedResNet (E_WEIGHTS_INVALID from the reader names the file and tensor).
 */
export function readClipResNetTopology(
  weights: WeightReader,
  prefix = CLIP_BACKBONE_PREFIX,
): ClipResNetTopology {
  const layers = [1, 2, 3, 4].map((l) => layerDepth(weights, prefix, l)) as [number, number, number, number];
  const stemWidths = [1, 2, 3].map((i) => weights.shape(`${prefix}conv${i}.weight`)[0]) as [
    number,
    number,
    number,
  ];
  const res4Channels = weights.shape(`${prefix}layer3.0.conv3.weight`)[0];
  const res5Channels = weights.shape(`${prefix}layer4.0.conv3.weight`)[0];
  const [tokens, positionWidth] = weights.shape(`${prefix}attnpool.positional_embedding`);
  const embedDim = weights.shape(`${prefix}attnpool.c_proj.weight`)[0];
  const res5Grid = Math.round(Math.sqrt(tokens - 1));
  const problems: string[] = [];
  if (layers.some((n) => n === 0)) problems.push(`blocks per layer ${JSON.stringify(layers)}`);
  if (res5Grid * res5Grid + 1 !== tokens) problems.push(`${tokens} positional tokens (not side² + 1)`);
  if (positionWidth !== res5Channels)
    problems.push(`positional width ${positionWidth} ≠ res5 ${res5Channels}`);
  if (res5Channels % 64 !== 0)
    problems.push(`res5 width ${res5Channels} is not a multiple of the head size 64`);
  if (problems.length > 0) {
    throw new GritlocError(
      "E_WEIGHTS_INVALID",
      `The CLIP backbone weights (${prefix}*) do not describe a CLIP ModifiedResNet: ${problems.join("; ")}.`,
    );
  }
  return Object.freeze({
    layers,
    stemWidths,
    res4Channels,
    res5Channels,
    heads: res5Channels / 64,
    res5Grid,
    poolerResolution: 2 * res5Grid,
    embedDim,
  });
}
