/**
 * Runs RegionCLIP's recognition branch with two sessions: the resized RGB image → CLIP res4 (once per image),
 * then proposals → region features [R, D], the RoI head run on chunks of RoIs so memory stays bounded (1,000
 * RN50 RoIs are 800 MB after RoIAlign in float32, 1.66 GB for RN50x4). Graphs come from the graph cache.
 *
 * The backbone graph is float32 at every precision: in fp16 its res4 drifted by up to 3 % of max|res4| on the
 * fixture weights (region–class cosines off by 0.03, i.e. 3 logits at temperature 0.01), while an fp16 RoI head
 * on a float32 res4 moved the cosines by ≤ 2.6e-3. The backbone runs once per image; the RoI head, run on up
 * to 1,000 RoIs, is where fp16 pays.
 */
import { invalidOption } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import { type ExecutionChoice, OnnxSession } from "../../onnx/session.js";
import type { RgbImage } from "../../vision/image.js";
import { cachedGraph } from "../clip/graph-cache.js";
import { clipPixelValues } from "../clip/preprocess.js";
import { buildClipBackboneModel } from "./clip-backbone-graph.js";
import type { ClipResNetTopology } from "./clip-resnet-topology.js";
import { buildRoiHeadModel } from "./roi-head-graph.js";

/** RoIs per RoI-head run: ≈ 80 MB of pooled RN50 features in float32 (160 MB for RN50x4). */
export const DEFAULT_ROI_CHUNK = 100;

/** res4 of one image, float32 [1, C4, h, w]. */
export interface Res4 {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface RecognitionBranchSource {
  readonly weights: WeightReader;
  readonly topology: ClipResNetTopology;
  /** The weights' identity (e.g. sha256 of the checkpoint), part of the graph-cache key. */
  readonly weightsId: string;
}

export class RecognitionBranch {
  readonly topology: ClipResNetTopology;
  readonly #backbone: OnnxSession;
  readonly #roiHead: OnnxSession;
  readonly #chunk: number;

  private constructor(
    topology: ClipResNetTopology,
    backbone: OnnxSession,
    roiHead: OnnxSession,
    chunk: number,
  ) {
    this.topology = topology;
    this.#backbone = backbone;
    this.#roiHead = roiHead;
    this.#chunk = chunk;
  }

  /**
   * Builds (or reuses from `<cacheDir>/graphs`) both graphs and opens their sessions.
   * @throws GritlocError E_INVALID_OPTION for a bad chunk size; E_PROVIDER_UNAVAILABLE.
   */
  static async open(
    source: RecognitionBranchSource,
    choice: ExecutionChoice,
    cacheDir: string,
    roiChunk = DEFAULT_ROI_CHUNK,
  ): Promise<RecognitionBranch> {
    if (!Number.isInteger(roiChunk) || roiChunk < 1)
      throw invalidOption("roiChunk", "a positive integer", roiChunk);
    const { weights, topology, weightsId } = source;
    const key = { weights: weightsId, topology, precision: choice.precision };
    const metadata = { weights_id: weightsId };
    const backbonePath = await cachedGraph(
      cacheDir,
      "regionclip-backbone",
      { ...key, precision: "fp32" },
      () => buildClipBackboneModel(weights, topology, "fp32", metadata),
    );
    const roiHeadPath = await cachedGraph(cacheDir, "regionclip-roi-head", key, () =>
      buildRoiHeadModel(weights, topology, choice.precision, metadata),
    );
    const session = { provider: choice.provider, threads: choice.threads };
    const backbone = await OnnxSession.create(backbonePath, session);
    try {
      return new RecognitionBranch(
        topology,
        backbone,
        await OnnxSession.create(roiHeadPath, session),
        roiChunk,
      );
    } catch (error) {
      await backbone.dispose();
      throw error;
    }
  }

  /** CLIP res4 of the resized (unpadded) RGB image. */
  async res4(resized: RgbImage): Promise<Res4> {
    const out = await this.#backbone.run({
      pixel_values: {
        type: "float32",
        data: clipPixelValues(resized),
        dims: [1, 3, resized.height, resized.width],
      },
    });
    return { data: out.res4.data as Float32Array, dims: out.res4.dims };
  }

  /** Region features [R, D] (attention-pool token 0) of proposals [R, 4] in resized-image pixels. */
  async regionFeatures(res4: Res4, proposals: Float32Array): Promise<Float32Array> {
    const count = proposals.length / 4;
    const dim = this.topology.embedDim;
    const out = new Float32Array(count * dim);
    for (let start = 0; start < count; start += this.#chunk) {
      const end = Math.min(count, start + this.#chunk);
      const result = await this.#roiHead.run({
        res4: { type: "float32", data: res4.data, dims: res4.dims },
        rois: { type: "float32", data: proposals.slice(start * 4, end * 4), dims: [end - start, 4] },
      });
      out.set(result.region_features.data as Float32Array, start * dim);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.#backbone.dispose(), this.#roiHead.dispose()]);
  }
}
