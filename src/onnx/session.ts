/**
 * ONNX Runtime sessions: the only module that loads onnxruntime-node. Picks the execution provider
 * (CUDA with fp16 graphs when its provider library is installed, else CPU with fp32 graphs, said once in one
 * log line), and wraps a session so callers pass and receive plain typed arrays.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type * as Ort from "onnxruntime-node";
import { GritlocError, invalidOption } from "../errors.js";
import { createLogger } from "../logger.js";
import { GraphBuilder } from "./graph-builder.js";
import { encodeModel } from "./model-writer.js";

const log = createLogger("onnx");

export const PROVIDER_REQUESTS = ["auto", "cpu", "cuda"] as const;
export type ProviderRequest = (typeof PROVIDER_REQUESTS)[number];
export type PrecisionRequest = "auto" | "fp32" | "fp16";
export type Provider = "cpu" | "cuda";
export type Precision = "fp32" | "fp16";

/** Where and how graphs run, as asked for by a caller. */
export interface RuntimeOptions {
  /** "auto" (default) uses CUDA when its provider is installed, else CPU. */
  readonly provider?: ProviderRequest;
  /** "auto" (default): fp16 on CUDA, fp32 on CPU. */
  readonly precision?: PrecisionRequest;
  /** ONNX Runtime intra-op threads (default: ORT's choice, one per core). */
  readonly threads?: number;
  /** Where built graphs are cached (default `defaultCacheDir()`). */
  readonly cacheDir?: string;
}

/** The decision: provider, precision and why. */
export interface ExecutionChoice {
  readonly provider: Provider;
  readonly precision: Precision;
  readonly threads: number | undefined;
  readonly reason: string;
}

/**
 * The command that fetches onnxruntime-node's CUDA 12 provider libraries (from NuGet, so it needs internet); the
 * fallback message and `gritloc doctor` both name it.
 */
export const CUDA_INSTALL_COMMAND =
  "ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js";

/**
 * Where onnxruntime-node is loaded from: the package gritloc depends on, or the folder in
 * `$GRITLOC_ONNXRUNTIME_NODE` (an onnxruntime-node installed elsewhere with its CUDA provider beside it, as
 * bench/gpu.sh prepares for a machine without internet; docs/doctor.md).
 */
export function onnxRuntimeNodeDir(): string {
  const override = process.env.GRITLOC_ONNXRUNTIME_NODE;
  if (override !== undefined && override !== "") return override;
  return dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
}

/**
 * ORT's session log severity: 4 (fatal) normally, since failures reach callers as exceptions; 0 (verbose) in
 * `gritloc doctor`'s placement probe, which reads the "Node placements" lines ORT then prints to stderr.
 */
let sessionLogSeverity: 0 | 4 = 4;

let ort: typeof Ort | undefined;
function loadOrt(): typeof Ort {
  // Loaded lazily so `gritloc score` and friends never pay for the native module.
  if (ort === undefined) {
    ort = createRequire(import.meta.url)(onnxRuntimeNodeDir()) as typeof Ort;
    // ORT's own logger writes to stderr; its errors reach us as exceptions (and the CUDA probe's failure is
    // expected), so only fatal messages may print, except in doctor's probe process, which reads the errors
    // (e.g. which CUDA library failed to load: the exception only says "Failed to load shared library").
    ort.env.logLevel = sessionLogSeverity === 0 ? "error" : "fatal";
  }
  return ort;
}

/**
 * Makes every later session print ORT's verbose log, with its node placements, to stderr, and ORT's errors too
 * when called before the first session (doctor's probe process).
 */
export function logSessionPlacements(): void {
  sessionLogSeverity = 0;
}

let cudaProbe: Promise<string | undefined> | undefined;

/**
 * Resolves to undefined when a CUDA session can be created, else the first line of ORT's reason (probed once
 * per process).
 */
export function probeCudaProvider(): Promise<string | undefined> {
  cudaProbe ??= (async () => {
    const g = new GraphBuilder("cuda-probe");
    g.output(g.input("x", "float32", [1]), "y", "float32", [1]);
    try {
      const session = await loadOrt().InferenceSession.create(encodeModel(g.build()), {
        executionProviders: ["cuda"],
        logSeverityLevel: 4,
      });
      await session.release();
      return undefined;
    } catch (error) {
      return String((error as Error)?.message ?? error).split("\n")[0];
    }
  })();
  return cudaProbe;
}

/** Checks runtime options at the boundary. */
export function validateRuntimeOptions(options: RuntimeOptions): void {
  const { provider, precision, threads } = options;
  if (provider !== undefined && !["auto", "cpu", "cuda"].includes(provider))
    throw invalidOption("provider", '"auto", "cpu" or "cuda"', provider);
  if (precision !== undefined && !["auto", "fp32", "fp16"].includes(precision))
    throw invalidOption("precision", '"auto", "fp32" or "fp16"', precision);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw invalidOption("threads", "a positive integer", threads);
}

/**
 * Decides provider and precision. Asking for CUDA (or "auto") without the CUDA provider falls back to CPU and
 * logs one line saying so and why (design §7: onnxruntime-node throws rather than falling back itself).
 *
 * @example
 * const choice = await chooseExecution({ provider: "auto" });
 * // → { provider: "cpu", precision: "fp32", reason: "CUDA execution provider not available (...)" }
 */
export async function chooseExecution(options: RuntimeOptions = {}): Promise<ExecutionChoice> {
  validateRuntimeOptions(options);
  const request = options.provider ?? "auto";
  let provider: Provider = "cpu";
  let reason = "CPU requested";
  if (request !== "cpu") {
    const failure = await probeCudaProvider();
    if (failure === undefined) {
      provider = "cuda";
      reason = "CUDA execution provider available";
    } else {
      reason =
        `CUDA execution provider not available (${failure}); falling back to CPU. ` +
        `To use a GPU (CUDA 12, cuDNN 9), fetch the provider: ${CUDA_INSTALL_COMMAND}`;
    }
  }
  const precision: Precision =
    options.precision === undefined || options.precision === "auto"
      ? provider === "cuda"
        ? "fp16"
        : "fp32"
      : options.precision;
  const line = `onnx: using ${provider.toUpperCase()} with ${precision} graphs (${reason})`;
  if (request === "cuda" && provider === "cpu") log.warn(line);
  else log.info(line);
  return { provider, precision, threads: options.threads, reason };
}

/** A tensor passed to or returned by a session, as plain data. fp16 travels as Uint16Array bits. */
export type SessionTensor =
  | { readonly type: "float32"; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: "float16"; readonly data: Uint16Array; readonly dims: readonly number[] }
  | { readonly type: "int32"; readonly data: Int32Array; readonly dims: readonly number[] }
  | { readonly type: "int64"; readonly data: BigInt64Array; readonly dims: readonly number[] };

export interface SessionOptions {
  readonly provider: Provider;
  readonly threads?: number;
}

/** One loaded graph. */
export class OnnxSession {
  readonly #session: Ort.InferenceSession;
  readonly provider: Provider;

  private constructor(session: Ort.InferenceSession, provider: Provider) {
    this.#session = session;
    this.provider = provider;
  }

  /**
   * Loads a graph from a file path (external data beside it is found by ORT) or from bytes.
   * @throws GritlocError E_PROVIDER_UNAVAILABLE when the provider cannot load the graph.
   */
  static async create(model: string | Uint8Array, options: SessionOptions): Promise<OnnxSession> {
    const { InferenceSession } = loadOrt();
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: [options.provider],
      graphOptimizationLevel: "all",
      // Failures reach the caller as exceptions; ORT's own logger would print them to stderr a second time.
      logSeverityLevel: sessionLogSeverity,
      ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
      // Idle ORT threads spin by default; SLIC and decoding run beside the model (design §6), and on a shared
      // 2-core machine spinning doubled the CPU time of a SLICViT vision pass and slowed it down.
      extra: { session: { "intra_op.allow_spinning": "0", "inter_op.allow_spinning": "0" } },
    };
    try {
      const session =
        typeof model === "string"
          ? await InferenceSession.create(model, sessionOptions)
          : await InferenceSession.create(model, sessionOptions);
      return new OnnxSession(session, options.provider);
    } catch (error) {
      throw new GritlocError(
        "E_PROVIDER_UNAVAILABLE",
        `ONNX Runtime (${options.provider}) could not load ${typeof model === "string" ? model : "the graph"}: ` +
          `${(error as Error).message}. Delete the graph cache folder to rebuild it, or run with --provider cpu.`,
        { cause: error },
      );
    }
  }

  /** Runs the graph; returns the requested outputs (all by default) as plain tensors. */
  async run(
    feeds: Readonly<Record<string, SessionTensor>>,
    outputNames?: readonly string[],
  ): Promise<Record<string, SessionTensor>> {
    const { Tensor } = loadOrt();
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new Tensor(t.type, t.data, t.dims);
    const results =
      outputNames === undefined
        ? await this.#session.run(ortFeeds)
        : await this.#session.run(ortFeeds, outputNames as string[]);
    const out: Record<string, SessionTensor> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { type: t.type, data: t.data, dims: t.dims } as SessionTensor;
    }
    return out;
  }

  /** Releases the native session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
