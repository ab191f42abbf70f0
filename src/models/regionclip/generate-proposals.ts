/**
 * The localization branch end to end for one pre-processed image: RPN session (built by `rpn-graph.ts`) +
 * `RegionClipInput` → the RPN head's maps → proposals (boxes in resized-image pixels + raw objectness logits).
 */
import type { OnnxSession, SessionTensor } from "../../onnx/session.js";
import { rpnAnchorLevels } from "./anchors.js";
import type { RegionClipInput } from "./preprocess.js";
import {
  findTopRpnProposals,
  type RpnLevelMaps,
  type RpnProposalOptions,
  type RpnProposals,
} from "./proposals.js";
import { RPN_LEVEL_NAMES } from "./rpn-graph.js";

/** The RPN head's raw maps per level and their feature-map sizes. */
export interface RpnMaps {
  readonly levels: readonly RpnLevelMaps[];
  readonly sizes: readonly { readonly height: number; readonly width: number }[];
}

function float32(
  t: SessionTensor | undefined,
  name: string,
): { data: Float32Array; dims: readonly number[] } {
  if (t === undefined || t.type !== "float32")
    throw new Error(`RPN graph: output ${name} is missing or not float32`);
  return { data: t.data, dims: t.dims };
}

/** Runs the RPN graph on the padded input → objectness and deltas of p2..p6. */
export async function runRpn(session: OnnxSession, input: RegionClipInput): Promise<RpnMaps> {
  const names = RPN_LEVEL_NAMES.flatMap((_, i) => [`objectness_${i}`, `deltas_${i}`]);
  const out = await session.run(
    {
      image: {
        type: "float32",
        data: input.rpnInput,
        dims: [1, 3, input.paddedSize.height, input.paddedSize.width],
      },
    },
    names,
  );
  const levels: RpnLevelMaps[] = [];
  const sizes: { height: number; width: number }[] = [];
  for (let i = 0; i < RPN_LEVEL_NAMES.length; i++) {
    const objectness = float32(out[`objectness_${i}`], `objectness_${i}`);
    levels.push({ objectness: objectness.data, deltas: float32(out[`deltas_${i}`], `deltas_${i}`).data });
    sizes.push({ height: objectness.dims[2], width: objectness.dims[3] });
  }
  return { levels, sizes };
}

/**
 * Proposals for one image: at most `postNmsTopK` (1000) boxes [R, 4] x1y1x2y2 in the resized image's pixels
 * (clipped to it), sorted by raw objectness logit, with their logits, FPN levels (0 = p2) and anchor indices.
 * @example
 * const input = preprocessRegionClip(await decodeImage("photo.jpg"));
 * const { boxes, objectnessLogits } = await generateProposals(rpnSession, input);
 */
export async function generateProposals(
  session: OnnxSession,
  input: RegionClipInput,
  options: RpnProposalOptions = {},
): Promise<RpnProposals> {
  const maps = await runRpn(session, input);
  return findTopRpnProposals(rpnAnchorLevels(maps.sizes), maps.levels, input.resized, options);
}
