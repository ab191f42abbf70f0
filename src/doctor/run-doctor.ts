/**
 * `gritloc doctor` as a library call: options → versions, the GPU, the CUDA provider, every registry family's
 * seeded model on the chosen provider and precision against fp32 on the CPU (with ORT's node placement), and a
 * short timed run with the pipelined runner → one DoctorReport with a pass/warn/fail line per check.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { buildMiniGrit, type MiniGrit } from "../demo/build-mini-grit.js";
import { invalidOption } from "../errors.js";
import { chooseExecution, type Precision, type Provider, type ProviderRequest } from "../onnx/session.js";
import { compareFamily, type FamilyCheck, type ProbeImage } from "./compare-family.js";
import { type CudaStatus, checkCudaProvider } from "./cuda-provider.js";
import { type DoctorLine, doctorLines } from "./doctor-lines.js";
import { type DoctorModelSize, FAMILY_PROBES, type ModelFamily, type ProbeModel } from "./family-probes.js";
import { measureThroughput, type ThroughputCheck } from "./measure-throughput.js";
import { type GpuInfo, readGpuInfo } from "./nvidia-smi.js";
import { writeSyntheticClipVocab } from "./synthetic-vocab.js";
import { collectVersions, type DoctorVersions } from "./versions.js";

export interface DoctorOptions {
  /** Check only this family (and time it). @default every family of the registry; the timed run uses slicvit */
  readonly model?: ModelFamily;
  /** @default "auto": CUDA when its provider loads, else CPU */
  readonly provider?: ProviderRequest;
  /** Precision compared against CPU fp32. @default "fp16" (what CUDA runs; on the CPU it shows fp16's error) */
  readonly precision?: Precision;
  /** Use the released models' sizes (ViT-B/16 CLIP, OWL-ViT B/32, RegionCLIP RN50) instead of the quick default sizes. */
  readonly full?: boolean;
  /** Samples in the timed run. @default 8 */
  readonly samples?: number;
  /** Prepare worker threads in the timed run. @default max(1, cores − 1) */
  readonly threads?: number;
  /** Where models, graphs and the mini set go. @default a temporary folder, removed at the end */
  readonly workDir?: string;
  /** Progress in words, e.g. "owlvit: CPU fp32 reference". */
  readonly onProgress?: (message: string) => void;
}

/** A family whose check threw. */
export interface FamilyFailure {
  readonly family: ModelFamily;
  readonly provider: Provider;
  readonly precision: Precision;
  readonly maxAbsDiff: null;
  readonly sameBoxes: null;
  readonly cpuPlacedOps: readonly [];
  readonly error: string;
}

export interface DoctorReport {
  readonly versions: DoctorVersions;
  /** null without an NVIDIA GPU (or without nvidia-smi). */
  readonly gpu: GpuInfo | null;
  readonly cuda: CudaStatus;
  /** The seeded models' sizes: "default" (quick) or "full" (the released models'). */
  readonly sizes: DoctorModelSize;
  readonly families: readonly (FamilyCheck | FamilyFailure)[];
  /** null when the timed run failed (its line says why). */
  readonly throughput: ThroughputCheck | null;
  readonly throughputError?: string;
  /** One line per check, in the order above. */
  readonly checks: readonly DoctorLine[];
  readonly seconds: number;
}

const FAMILIES = Object.keys(FAMILY_PROBES) as ModelFamily[];

function resolveOptions(options: DoctorOptions) {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "an object", options);
  const { model, precision = "fp16", samples = 8 } = options;
  if (model !== undefined && !FAMILIES.includes(model))
    throw invalidOption("model", `one of ${FAMILIES.join(", ")}`, model);
  if (precision !== "fp16" && precision !== "fp32")
    throw invalidOption("precision", '"fp16" or "fp32"', precision);
  if (!Number.isInteger(samples) || samples < 1) throw invalidOption("samples", "an integer ≥ 1", samples);
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(threads) || threads < 1) throw invalidOption("threads", "an integer ≥ 1", threads);
  return {
    model,
    precision,
    samples,
    threads,
    size: options.full === true ? ("full" as const) : ("default" as const),
  };
}

/** The first images of the mini set with their queries (two images, every query asked of them). */
function probeImages(mini: MiniGrit): ProbeImage[] {
  const byImage = new Map<string, string[]>();
  for (const sample of mini.samples) {
    const queries = byImage.get(sample.imageId) ?? [];
    if (!queries.includes(sample.taskQuery)) queries.push(sample.taskQuery);
    byImage.set(sample.imageId, queries);
  }
  return [...byImage]
    .slice(0, 2)
    .map(([imageId, queries]) => ({ path: join(mini.imagesDir, imageId), queries }));
}

/**
 * Runs every check. Nothing is downloaded: the models are seeded random ones of realistic shape, the images the
 * demo's drawn mini set. A check that fails is reported as such; only bad options throw.
 * @throws GritlocError E_INVALID_OPTION for bad options.
 * @example
 * const report = await runDoctor({ model: "owlvit" });
 * for (const line of report.checks) console.log(line.status, line.topic, line.message);
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const start = performance.now();
  const resolved = resolveOptions(options);
  const progress = options.onProgress ?? (() => {});
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), "gritloc-doctor-"));
  try {
    const versions = collectVersions();
    progress("looking for a GPU and the CUDA provider");
    const gpu = await readGpuInfo();
    const cuda = await checkCudaProvider();
    const choice = await chooseExecution({ provider: options.provider ?? "auto" });
    progress("drawing the mini GRIT set");
    // About 1.75 samples per scene: enough samples for the timed run.
    const mini = await buildMiniGrit({ dir: join(workDir, "mini"), scenes: Math.max(8, resolved.samples) });
    const images = probeImages(mini);
    const vocab = join(workDir, "synthetic-bpe.txt");
    writeSyntheticClipVocab(vocab);
    const families: (FamilyCheck | FamilyFailure)[] = [];
    const models = new Map<ModelFamily, ProbeModel>();
    for (const family of resolved.model === undefined ? FAMILIES : [resolved.model]) {
      progress(`${family}: seeded model on CPU fp32 and on ${choice.provider} ${resolved.precision}`);
      try {
        const model = FAMILY_PROBES[family].model(join(workDir, family, "models"), resolved.size, vocab);
        models.set(family, model);
        families.push(
          await compareFamily({
            family,
            model,
            workDir: join(workDir, family),
            provider: choice.provider,
            precision: resolved.precision,
            images,
          }),
        );
      } catch (error) {
        families.push({
          family,
          provider: choice.provider,
          precision: resolved.precision,
          maxAbsDiff: null,
          sameBoxes: null,
          cpuPlacedOps: [],
          error: (error as Error)?.message ?? String(error),
        });
      }
    }
    const timedFamily = resolved.model ?? "slicvit";
    progress(`timed run: ${resolved.samples} samples of the mini set with ${timedFamily}`);
    let throughput: ThroughputCheck | null = null;
    let throughputError: string | undefined;
    try {
      const model =
        models.get(timedFamily) ??
        FAMILY_PROBES[timedFamily].model(join(workDir, timedFamily, "models"), resolved.size, vocab);
      throughput = await measureThroughput({
        mini,
        family: timedFamily,
        model: model.description,
        spec: model.spec,
        // What a real run on this provider uses: fp16 graphs on CUDA, fp32 on the CPU, unless asked otherwise.
        runtime: {
          provider: choice.provider,
          precision: options.precision ?? choice.precision,
          cacheDir: join(workDir, timedFamily, "graphs"),
        },
        workDir,
        samples: resolved.samples,
        threads: resolved.threads,
        hasGpu: gpu !== null,
      });
    } catch (error) {
      throughputError = (error as Error)?.message ?? String(error);
    }
    const partial = { versions, gpu, cuda, sizes: resolved.size, families, throughput, throughputError };
    return {
      ...partial,
      checks: doctorLines(partial),
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    if (options.workDir === undefined) rmSync(workDir, { recursive: true, force: true });
  }
}
