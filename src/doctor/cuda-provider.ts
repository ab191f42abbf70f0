/**
 * Is onnxruntime's CUDA provider installed, and does it load? The provider library's presence in the loaded
 * onnxruntime-node's bin folder → a trial CUDA session → on failure, the loader error ORT logged (from a child
 * process) → one plain reason and the command that installs the provider.
 */
import { existsSync } from "node:fs";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { CUDA_INSTALL_COMMAND, onnxRuntimeNodeDir, probeCudaProvider } from "../onnx/session.js";
import { probeCudaLoadError } from "./ort-log-probe.js";

export interface CudaStatus {
  /** True when a CUDA session opened. */
  readonly available: boolean;
  /** Why not, in plain words (null when available). */
  readonly reason: string | null;
  /** The command that fetches onnxruntime-node's CUDA provider. */
  readonly installCommand: string;
  /** True when running `installCommand` is the fix (the provider is missing or incomplete). */
  readonly needsInstall: boolean;
  /** Where onnxruntime-node looks for the provider library (null off Linux x64). */
  readonly providerLibrary: string | null;
}

/** onnxruntime-node's CUDA provider file, in the bin folder its install script fills (script/install-metadata.js). */
export function cudaProviderLibraryPath(ortDir: string): string {
  return join(ortDir, "bin", "napi-v6", "linux", "x64", "libonnxruntime_providers_cuda.so");
}

/**
 * Says in plain words why the provider did not load, from the dynamic loader's error (or ORT's message).
 * @example
 * describeCudaLoadError("libcudnn.so.9: cannot open shared object file: No such file or directory")
 * // "cuDNN is missing: libcudnn.so.9 cannot be found (install cuDNN 9, or add its folder to LD_LIBRARY_PATH)"
 */
export function describeCudaLoadError(error: string): string {
  const missing = /(lib[\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(error)?.[1];
  if (missing !== undefined) {
    const major = /\.so\.(\d+)/.exec(missing)?.[1];
    const version = major === undefined ? "" : ` ${major}`;
    if (missing.startsWith("libcudnn"))
      return `cuDNN is missing: ${missing} cannot be found (install cuDNN${version}, or add its folder to LD_LIBRARY_PATH)`;
    if (missing.startsWith("libonnxruntime_providers"))
      return `the CUDA provider is incompletely installed: ${missing}, which comes with it, cannot be found beside it`;
    if (missing === "libcuda.so.1")
      return "the NVIDIA driver is missing: libcuda.so.1 cannot be found (no GPU driver on this machine)";
    // Not "CUDA <major>": libcurand.so.10 and friends number their own versions.
    return `a CUDA library is missing: ${missing} cannot be found (install the CUDA libraries the provider was built against, or add their folder to LD_LIBRARY_PATH)`;
  }
  if (/driver version is insufficient|CUDA driver version/i.test(error))
    return `the NVIDIA driver is too old for the provider's CUDA version (${error})`;
  if (/no CUDA-capable device|cudaErrorNoDevice/i.test(error)) return `no GPU is visible (${error})`;
  if (/undefined symbol/.test(error))
    return `the provider library does not match this onnxruntime-node build (${error}); install the provider of the same ONNX Runtime version`;
  return error;
}

/**
 * Checks the CUDA provider of the onnxruntime-node gritloc loads.
 * @example const cuda = await checkCudaProvider(); if (!cuda.available) console.log(cuda.reason, cuda.installCommand);
 */
export async function checkCudaProvider(): Promise<CudaStatus> {
  const installCommand = CUDA_INSTALL_COMMAND;
  if (platform() !== "linux" || arch() !== "x64") {
    return {
      available: false,
      reason: `onnxruntime-node has a CUDA provider for Linux x64 only (this is ${platform()}/${arch()})`,
      installCommand,
      needsInstall: false,
      providerLibrary: null,
    };
  }
  const providerLibrary = cudaProviderLibraryPath(onnxRuntimeNodeDir());
  if (!existsSync(providerLibrary)) {
    return {
      available: false,
      reason: `the CUDA provider library is not installed (${providerLibrary} does not exist)`,
      installCommand,
      needsInstall: true,
      providerLibrary,
    };
  }
  const failure = await probeCudaProvider();
  if (failure === undefined)
    return { available: true, reason: null, installCommand, needsInstall: false, providerLibrary };
  const loadError = await probeCudaLoadError();
  return {
    available: false,
    reason: describeCudaLoadError(loadError ?? failure),
    installCommand,
    // The provider's own shared library missing: the install did not finish.
    needsInstall: /libonnxruntime_providers_\w+\.so: cannot open/.test(loadError ?? ""),
    providerLibrary,
  };
}
