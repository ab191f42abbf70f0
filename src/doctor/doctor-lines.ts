/**
 * The doctor's verdicts: the collected facts (versions, GPU, CUDA provider, family checks, timed run) → one
 * pass/warn/fail line per check, in plain words.
 */
import { formatDuration } from "../run/run-progress.js";
import type { FamilyCheck } from "./compare-family.js";
import type { CudaStatus } from "./cuda-provider.js";
import { ABLATION_SAMPLES, type ThroughputCheck } from "./measure-throughput.js";
import type { GpuInfo } from "./nvidia-smi.js";
import type { FamilyFailure } from "./run-doctor.js";
import type { DoctorVersions } from "./versions.js";

export type DoctorStatus = "pass" | "warn" | "fail";

export interface DoctorLine {
  readonly status: DoctorStatus;
  /** What was checked, e.g. "CUDA provider", "owlvit". */
  readonly topic: string;
  readonly message: string;
}

export interface DoctorFacts {
  readonly versions: DoctorVersions;
  readonly gpu: GpuInfo | null;
  readonly cuda: CudaStatus;
  readonly families: readonly (FamilyCheck | FamilyFailure)[];
  readonly throughput: ThroughputCheck | null;
  readonly throughputError?: string;
}

/**
 * Largest difference from CPU fp32 that still passes: fp16 keeps ~3 significant digits of values of order 1
 * (unit embeddings, logits of a few units); fp32 on another provider differs only in summation order.
 */
const TOLERANCE = { fp16: 5e-2, fp32: 1e-3 } as const;

/** Ops ORT puts on the CPU on purpose under CUDA: small int64 shape arithmetic feeding other nodes. */
const SHAPE_OPS = new Set([
  "Shape",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Concat",
  "Slice",
  "Cast",
  "Range",
  "ConstantOfShape",
  "Reshape",
  "Expand",
  "Equal",
  "Where",
  "Mul",
  "Add",
  "Sub",
  "Div",
]);

const oneLine = (text: string) => text.split("\n")[0];

function versionLine(v: DoctorVersions): DoctorLine {
  const [major, minor] = v.node.replace(/^v/, "").split(".").map(Number);
  const nodeOk = major > 20 || (major === 20 && minor >= 19);
  return {
    status: nodeOk ? "pass" : "fail",
    topic: "versions",
    message:
      `Node ${v.node}${nodeOk ? "" : " (gritloc needs ≥ 20.19)"}, onnxruntime-node ${v.onnxruntimeNode} ` +
      `(${v.onnxruntimeNodePath}), gritloc ${v.gritloc}`,
  };
}

function gpuLine(gpu: GpuInfo | null): DoctorLine {
  if (gpu === null)
    return {
      status: "warn",
      topic: "GPU",
      message: "none found (nvidia-smi is missing or lists no GPU); models run on the CPU",
    };
  return {
    status: "pass",
    topic: "GPU",
    message:
      `${gpu.name}, ${(gpu.memoryTotalMiB / 1024).toFixed(1)} GiB, driver ${gpu.driverVersion}` +
      (gpu.cudaDriverVersion === undefined ? "" : ` (supports CUDA up to ${gpu.cudaDriverVersion})`),
  };
}

function cudaLine(cuda: CudaStatus, gpu: GpuInfo | null): DoctorLine {
  if (cuda.available)
    return { status: "pass", topic: "CUDA provider", message: `loads (${cuda.providerLibrary})` };
  return {
    // Without a GPU the missing provider is expected; with one, models silently run on the CPU: that is a failure.
    status: gpu === null ? "warn" : "fail",
    topic: "CUDA provider",
    message: `not available: ${cuda.reason}${cuda.needsInstall ? `. Install it with: ${cuda.installCommand}` : ""}`,
  };
}

function familyLines(check: FamilyCheck | FamilyFailure): DoctorLine[] {
  const where = `${check.provider.toUpperCase()} ${check.precision}`;
  if ("error" in check)
    return [{ status: "fail", topic: check.family, message: `failed on ${where}: ${oneLine(check.error)}` }];
  const tolerance = TOLERANCE[check.precision];
  const finite = Number.isFinite(check.maxAbsDiff);
  const status: DoctorStatus = !finite
    ? "fail"
    : check.sameBoxes && check.maxAbsDiff <= tolerance
      ? "pass"
      : "warn";
  const lines: DoctorLine[] = [
    {
      status,
      topic: check.family,
      message:
        `${where} vs CPU fp32: ${check.compared} max |diff| ${check.maxAbsDiff.toExponential(2)} ` +
        `(tolerance ${tolerance}), boxes the same for ${check.sameBoxQueries}/${check.queries} queries; ` +
        `model: ${check.model}; ${check.seconds.toFixed(1)} s` +
        (check.sameBoxes
          ? ""
          : ". Random weights leave scores nearly tied, so small differences can move a box"),
    },
  ];
  if (check.placement === null) {
    lines.push({
      status: "warn",
      topic: `${check.family} placement`,
      message: `ORT's placement log could not be read: ${oneLine(check.placementError ?? "unknown")}`,
    });
  } else {
    const counts = check.placement.map((p) => `${p.nodeCount} on ${p.provider}`).join(", ");
    const compute = check.cpuPlacedOps.filter((o) => !SHAPE_OPS.has(o.opType));
    const ops = check.cpuPlacedOps.map((o) => `${o.opType} ×${o.count}`).join(", ");
    lines.push(
      check.provider !== "cuda"
        ? {
            status: "pass",
            topic: `${check.family} placement`,
            message: `${counts} (the CPU provider was chosen)`,
          }
        : check.cpuPlacedOps.length === 0
          ? { status: "pass", topic: `${check.family} placement`, message: `no node on the CPU (${counts})` }
          : {
              status: "warn",
              topic: `${check.family} placement`,
              message:
                `nodes placed on the CPU under CUDA: ${ops} (${counts})` +
                (compute.length === 0
                  ? "; only shape arithmetic, which ORT keeps on the CPU on purpose"
                  : `; ${compute.map((o) => o.opType).join(", ")} compute on the CPU and cost copies between CPU and GPU`),
            },
    );
  }
  return lines;
}

function throughputLine(t: ThroughputCheck | null, error: string | undefined): DoctorLine {
  if (t === null)
    return { status: "fail", topic: "timed run", message: `failed: ${oneLine(error ?? "unknown")}` };
  return {
    status: t.samples > 0 ? "pass" : "fail",
    topic: "timed run",
    message:
      `${t.family} on ${t.provider.toUpperCase()} ${t.precision}, ${t.samples} mini-set samples, ${t.prepareThreads} ` +
      `prepare thread(s): ${t.samplesPerSecond.toFixed(2)} samples/s; model ${t.modelSeconds.toFixed(1)} s, ` +
      `waiting for prepared images ${t.prepareWaitSeconds.toFixed(1)} s of ${t.elapsedSeconds.toFixed(1)} s; ` +
      `peak GPU memory ${t.peakGpuMemoryMiB === null ? "not measurable" : `${t.peakGpuMemoryMiB} MiB`}. ` +
      `GRIT ablation (${ABLATION_SAMPLES.toLocaleString("en-US")} samples) would take ${formatDuration(t.projectedAblationSeconds)} ` +
      `at this rate (model: ${t.model})`,
  };
}

/** @example doctorLines(facts)[0] // { status: "pass", topic: "versions", message: "Node v22.12.0, ..." } */
export function doctorLines(facts: DoctorFacts): DoctorLine[] {
  return [
    versionLine(facts.versions),
    gpuLine(facts.gpu),
    cudaLine(facts.cuda, facts.gpu),
    ...facts.families.flatMap(familyLines),
    throughputLine(facts.throughput, facts.throughputError),
  ];
}

/** The report as text: one "PASS/WARN/FAIL  topic: message" line per check. */
export function formatDoctorLines(lines: readonly DoctorLine[]): string {
  return lines.map((l) => `${l.status.toUpperCase().padEnd(4)}  ${l.topic}: ${l.message}\n`).join("");
}
