/**
 * Opens the offline R50-FPN + RPN graph for a RegionCLIP checkpoint: built once per weights and precision into
 * the graph cache (`<cacheDir>/graphs/regionclip-rpn-*.onnx`), then loaded as an ONNX Runtime session.
 * The graph is float32 unless asked otherwise, also on CUDA: in fp16 the objectness logits of the fixture model
 * move by 3–5 % of their range and 2–5 % of the 1000 proposals change (measured with ORT's CPU fp16 kernels).
 */
import type { WeightReader } from "../../onnx/nn/context.js";
import { type ExecutionChoice, OnnxSession, type Precision } from "../../onnx/session.js";
import { cachedGraph } from "../clip/graph-cache.js";
import { buildRegionClipRpnModel, inferRpnTopology } from "./rpn-graph.js";

/**
 * The RPN session for `weights` (whose file content hashes to `weightsSha256`, the cache key) on the chosen
 * provider, in `precision` (default "fp32", whatever `choice.precision` says; see above).
 * @throws GritlocError E_WEIGHTS_INVALID when an offline RPN tensor is missing; E_PROVIDER_UNAVAILABLE when the
 *   provider cannot load the graph.
 * @example
 * const choice = await chooseExecution({ provider: "cpu" });
 * const rpn = await openRegionClipRpn(weights, await fileSha256(path), choice, defaultCacheDir());
 * const proposals = await generateProposals(rpn, preprocessRegionClip(image));
 */
export async function openRegionClipRpn(
  weights: WeightReader,
  weightsSha256: string,
  choice: ExecutionChoice,
  cacheDir: string,
  precision: Precision = "fp32",
): Promise<OnnxSession> {
  const topology = inferRpnTopology(weights);
  const path = await cachedGraph(
    cacheDir,
    "regionclip-rpn",
    { weights: weightsSha256, topology, precision },
    () => buildRegionClipRpnModel(weights, precision, { weights_sha256: weightsSha256 }),
  );
  return OnnxSession.create(path, { provider: choice.provider, threads: choice.threads });
}
