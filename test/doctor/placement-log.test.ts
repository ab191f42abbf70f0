import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { FamilyCheck } from "../../src/doctor/compare-family.js";
import { doctorLines } from "../../src/doctor/doctor-lines.js";
import { probePlacement } from "../../src/doctor/ort-log-probe.js";
import { cpuPlacedOps, parsePlacementLog } from "../../src/doctor/placement-log.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-placement-"));
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * A recorded verbose log of two sessions under the CUDA provider, in ONNX Runtime 1.30's format
 * (onnxruntime/core/framework/session_state.cc, VerifyEachNodeIsAssignedToAnEp: "Node placements", then per
 * provider " Node(s) placed on [EP]. Number of nodes: N" and "  OpType (name)" per node; one provider only →
 * " All nodes placed on [EP]. Number of nodes: N"). The first session holds NonMaxSuppression, which the CUDA
 * provider has no kernel for, and ORT's usual shape arithmetic. The "Node placements" (1377) and "All nodes"
 * (1380) lines are copied from a real 1.30 run on the CPU; the per-provider lines are built from the source's
 * format strings (their line numbers assumed), with the prefix ORT's stderr sink writes.
 */
const CUDA_LOG = [
  "2026-12-07 05:39:55.909882945 [I:onnxruntime:, inference_session.cc:2610 Initialize] Initializing session.",
  "2026-12-07 05:39:55.915852525 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements",
  "2026-12-07 05:39:55.915864452 [V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 4",
  "2026-12-07 05:39:55.915864460 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   MatMul (visual.block0/MatMul_3)",
  "2026-12-07 05:39:55.915864470 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   MatMul (visual.block0/MatMul_7)",
  "2026-12-07 05:39:55.915864480 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   Softmax (visual.block0/Softmax_5)",
  "2026-12-07 05:39:55.915864490 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   MemcpyToHost (Memcpy_token_1)",
  "2026-12-07 05:39:55.915864500 [V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 3",
  "2026-12-07 05:39:55.915864510 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   NonMaxSuppression (nms/NonMaxSuppression_9)",
  "2026-12-07 05:39:55.915864520 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   Shape (Shape_2)",
  "2026-12-07 05:39:55.915864530 [V:onnxruntime:, session_state.cc:1385 VerifyEachNodeIsAssignedToAnEp]   Gather (Gather_4)",
  "2026-12-07 05:39:55.915894918 [V:onnxruntime:, session_state.cc:186 CreateGraphInfo] SaveMLValueNameIndexMapping",
  "2026-12-07 05:39:56.100000000 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements",
  "2026-12-07 05:39:56.100000010 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CUDAExecutionProvider]. Number of nodes: 12",
  "",
].join("\n");

test("a recorded CUDA placement log gives the nodes per provider and the op types left on the CPU", () => {
  const summary = parsePlacementLog(CUDA_LOG);
  assert.equal(summary.sessions, 2);
  assert.deepEqual(summary.providers, [
    {
      provider: "CUDAExecutionProvider",
      nodeCount: 16,
      opTypes: { MatMul: 2, Softmax: 1, MemcpyToHost: 1 },
    },
    {
      provider: "CPUExecutionProvider",
      nodeCount: 3,
      opTypes: { NonMaxSuppression: 1, Shape: 1, Gather: 1 },
    },
  ]);
  assert.deepEqual(cpuPlacedOps(summary), [
    { opType: "Gather", count: 1 },
    { opType: "NonMaxSuppression", count: 1 },
    { opType: "Shape", count: 1 },
  ]);
});

test("a log with no placement block, or only 'All nodes placed on' the CPU, is read as such", () => {
  assert.deepEqual(parsePlacementLog("onnxruntime said nothing verbose\n"), { sessions: 0, providers: [] });
  const all = parsePlacementLog(
    "x [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements\n" +
      "x [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CPUExecutionProvider]. Number of nodes: 3\n",
  );
  assert.deepEqual(cpuPlacedOps(all), [{ opType: "(all nodes)", count: 3 }]);
});

test("the doctor warns under CUDA, naming the op types placed on the CPU and the compute ones among them", () => {
  const providers = parsePlacementLog(CUDA_LOG).providers;
  const check: FamilyCheck = {
    family: "owlvit",
    model: "recorded",
    provider: "cuda",
    precision: "fp16",
    compared: "class logits",
    maxAbsDiff: 0.01,
    sameBoxes: true,
    queries: 2,
    sameBoxQueries: 2,
    cpuPlacedOps: cpuPlacedOps({ sessions: 2, providers }),
    placement: providers,
    seconds: 1,
  };
  const placement = doctorLines({
    versions: { node: "v22.0.0", onnxruntimeNode: "1.30.0", onnxruntimeNodePath: "x", gritloc: "0.1.0" },
    gpu: { name: "NVIDIA H100", memoryTotalMiB: 81559, driverVersion: "550.54.15" },
    cuda: { available: true, reason: null, installCommand: "c", needsInstall: false, providerLibrary: "p" },
    families: [check],
    throughput: null,
    throughputError: "not run",
  }).find((l) => l.topic === "owlvit placement");
  assert.equal(placement?.status, "warn");
  assert.match(
    placement.message,
    /nodes placed on the CPU under CUDA: Gather ×1, NonMaxSuppression ×1, Shape ×1/,
  );
  assert.match(placement.message, /NonMaxSuppression compute on the CPU/);
  assert.doesNotMatch(placement.message, /Shape compute/);
});

test("the placement probe reads ORT's real verbose log of the smoke model's sessions on the CPU", async () => {
  const summary = await probePlacement(
    { family: "smoke", seed: 0 },
    { provider: "cpu", precision: "fp32", cacheDir: join(work, "graphs") },
  );
  // One block per session: the vision and the text graph.
  assert.equal(summary.sessions, 2);
  assert.equal(summary.providers.length, 1);
  assert.equal(summary.providers[0].provider, "CPUExecutionProvider");
  assert.ok(summary.providers[0].nodeCount > 10, `only ${summary.providers[0].nodeCount} nodes`);
});
