/**
 * The GPU as `nvidia-smi` reports it: name, memory and driver (null without a GPU or without nvidia-smi), and
 * the memory in use, sampled while the timed run goes on.
 */
import { execFile } from "node:child_process";

export interface GpuInfo {
  readonly name: string;
  readonly memoryTotalMiB: number;
  readonly driverVersion: string;
  /** The highest CUDA version the driver supports, from nvidia-smi's banner when it shows one. */
  readonly cudaDriverVersion?: string;
}

function runNvidiaSmi(args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", args, { timeout: 15_000, encoding: "utf8" }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

/**
 * Parses `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`: one line per
 * GPU, e.g. "NVIDIA H100 80GB HBM3, 81559, 550.54.15".
 */
export function parseGpuQuery(csv: string): GpuInfo[] {
  return csv
    .split(/\r?\n/)
    .map((line) => line.split(",").map((field) => field.trim()))
    .filter((fields) => fields.length === 3 && Number.isFinite(Number(fields[1])))
    .map(([name, memory, driverVersion]) => ({ name, memoryTotalMiB: Number(memory), driverVersion }));
}

/** The "CUDA Version: 12.4" of nvidia-smi's banner, or undefined. */
export function parseCudaDriverVersion(banner: string): string | undefined {
  return /CUDA Version:\s*([0-9.]+)/.exec(banner)?.[1];
}

/** The first GPU, or null when nvidia-smi is missing or finds none. */
export async function readGpuInfo(): Promise<GpuInfo | null> {
  const csv = await runNvidiaSmi([
    "--query-gpu=name,memory.total,driver_version",
    "--format=csv,noheader,nounits",
  ]);
  const gpu = csv === undefined ? undefined : parseGpuQuery(csv)[0];
  if (gpu === undefined) return null;
  const cuda = parseCudaDriverVersion((await runNvidiaSmi([])) ?? "");
  return cuda === undefined ? gpu : { ...gpu, cudaDriverVersion: cuda };
}

/** Samples the first GPU's used memory every `intervalMs` until `stop()`, which resolves to the peak (MiB). */
export function sampleGpuMemory(intervalMs = 500): { stop(): Promise<number | null> } {
  let peak: number | null = null;
  let pending = Promise.resolve();
  const sample = () => {
    pending = runNvidiaSmi(["--query-gpu=memory.used", "--format=csv,noheader,nounits"]).then((out) => {
      const used = Number(out?.split("\n")[0]);
      if (out !== undefined && Number.isFinite(used)) peak = Math.max(peak ?? 0, used);
    });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      sample();
      await pending;
      return peak;
    },
  };
}
