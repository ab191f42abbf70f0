/**
 * Worker-thread entry of the prepare pool: PrepareRequest messages → PrepareResponse messages, each the result
 * of `prepareImage` with its pixel and label buffers transferred (not copied) back to the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setDecodeConcurrency } from "./decode.js";
import { prepareImage } from "./prepare.js";
import type { PrepareRequest, PrepareResponse, PrepareWorkerData, SerializedError } from "./prepare-pool.js";

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, details } = error as { code?: unknown; details?: unknown };
  let cloneable: unknown;
  try {
    cloneable = details === undefined ? undefined : JSON.parse(JSON.stringify(details));
  } catch {
    cloneable = undefined;
  }
  return {
    name: error.name,
    message: error.message,
    code: typeof code === "string" ? code : undefined,
    details: cloneable,
    stack: error.stack,
  };
}

async function handle(request: PrepareRequest): Promise<void> {
  let response: PrepareResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const result = await prepareImage(request.source, request.spec);
    // Each buffer below was allocated for this result alone, so moving it is safe.
    transfer.push(result.resized.data.buffer as ArrayBuffer);
    for (const map of result.labelMaps) transfer.push(map.labels.buffer as ArrayBuffer);
    response = { id: request.id, ok: true, result };
  } catch (error) {
    response = { id: request.id, ok: false, error: serializeError(error) };
  }
  parentPort!.postMessage(response, transfer);
}

setDecodeConcurrency((workerData as PrepareWorkerData).sharpThreads);
parentPort!.on("message", (request: PrepareRequest) => {
  void handle(request);
});
