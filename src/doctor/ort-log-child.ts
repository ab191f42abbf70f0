/**
 * The child process of `ort-log-probe.ts`: runs ONNX Runtime with its log on, so what ORT prints to this
 * process's stderr (native code writes there directly; a parent cannot capture it in its own process) can be
 * read by the parent. argv[2] is JSON: `{ "cudaProbe": true }` tries to open a CUDA session (ORT logs which
 * library failed to load), or `{ spec, runtime }` opens that localizer (ORT logs every session's node placements).
 */
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "../models/registry.js";
import { logSessionPlacements, probeCudaProvider } from "../onnx/session.js";

const payload = JSON.parse(process.argv[2]) as
  | { cudaProbe: true }
  | { spec: ModelSpec; runtime: LocalizerRuntime };
logSessionPlacements();
if ("cudaProbe" in payload) {
  await probeCudaProvider();
} else {
  const localizer = await createLocalizer(payload.spec, payload.runtime);
  await localizer.dispose();
}
