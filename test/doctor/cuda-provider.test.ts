import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import {
  checkCudaProvider,
  cudaProviderLibraryPath,
  describeCudaLoadError,
} from "../../src/doctor/cuda-provider.js";
import { parseProviderLoadError } from "../../src/doctor/ort-log-probe.js";
import { CUDA_INSTALL_COMMAND } from "../../src/onnx/session.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-cuda-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("the loader's errors become plain reasons: CUDA library, cuDNN, driver, an incomplete provider", () => {
  assert.match(
    describeCudaLoadError("libcublasLt.so.13: cannot open shared object file: No such file or directory"),
    /^a CUDA library is missing: libcublasLt\.so\.13 cannot be found/,
  );
  assert.match(
    describeCudaLoadError("libcudnn.so.9: cannot open shared object file: No such file or directory"),
    /^cuDNN is missing: libcudnn\.so\.9 cannot be found \(install cuDNN 9,/,
  );
  assert.match(
    describeCudaLoadError("libcuda.so.1: cannot open shared object file: No such file or directory"),
    /^the NVIDIA driver is missing/,
  );
  assert.match(
    describeCudaLoadError("libonnxruntime_providers_shared.so: cannot open shared object file: No such file"),
    /^the CUDA provider is incompletely installed: libonnxruntime_providers_shared\.so/,
  );
  assert.match(
    describeCudaLoadError("CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version"),
    /^the NVIDIA driver is too old/,
  );
  assert.equal(describeCudaLoadError("something else"), "something else");
});

test("the loader error is read from ORT's error line (recorded from onnxruntime-node 1.30 with a CUDA 13 provider)", () => {
  // Printed by provider_bridge_ort.cc when the provider's dependencies are missing (this machine, 2026-12-07).
  const log =
    "\u001b[1;31m2026-12-07 05:41:39.484526506 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] " +
    "/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 onnxruntime::Provider& " +
    "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library " +
    "/x/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared " +
    "object file: No such file or directory\n\u001b[m\n";
  assert.equal(
    parseProviderLoadError(log),
    "libcublasLt.so.13: cannot open shared object file: No such file or directory",
  );
  assert.equal(parseProviderLoadError("no such line"), undefined);
});

test("here, without the provider library, the check says so and names the install command", async () => {
  const cuda = await checkCudaProvider();
  assert.equal(cuda.available, false);
  assert.match(
    cuda.reason ?? "",
    /the CUDA provider library is not installed \(.*libonnxruntime_providers_cuda\.so does not exist\)/,
  );
  assert.equal(cuda.installCommand, CUDA_INSTALL_COMMAND);
  assert.equal(cuda.needsInstall, true);
});

test("a provider library that is present but cannot load is reported with the loader's reason", async () => {
  // A copy of onnxruntime-node (its binding and core library are real) with a provider file but not the
  // libonnxruntime_providers_shared.so that comes with it; loaded through $GRITLOC_ONNXRUNTIME_NODE.
  const source = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
  const copy = join(work, "onnxruntime-node");
  const bin = dirname(cudaProviderLibraryPath(copy));
  mkdirSync(bin, { recursive: true });
  cpSync(join(source, "package.json"), join(copy, "package.json"));
  cpSync(join(source, "dist"), join(copy, "dist"), { recursive: true });
  const sourceBin = dirname(cudaProviderLibraryPath(source));
  for (const file of readdirSync(sourceBin)) cpSync(join(sourceBin, file), join(bin, file));
  mkdirSync(join(copy, "node_modules"));
  // onnxruntime-common exports no ./package.json; it sits beside onnxruntime-node in node_modules.
  symlinkSync(join(source, "..", "onnxruntime-common"), join(copy, "node_modules", "onnxruntime-common"));
  writeFileSync(cudaProviderLibraryPath(copy), "not a library");
  const script =
    'import { checkCudaProvider } from "./src/doctor/cuda-provider.ts";' +
    "process.stdout.write(JSON.stringify(await checkCudaProvider()));";
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { env: { ...process.env, GRITLOC_ONNXRUNTIME_NODE: copy }, encoding: "utf8" },
      (error, out) => (error ? reject(error) : resolve(out)),
    ),
  );
  const cuda = JSON.parse(stdout) as {
    available: boolean;
    reason: string;
    providerLibrary: string;
    needsInstall: boolean;
  };
  assert.equal(cuda.available, false);
  assert.equal(cuda.needsInstall, true);
  assert.equal(cuda.providerLibrary, cudaProviderLibraryPath(copy));
  assert.match(
    cuda.reason,
    /^the CUDA provider is incompletely installed: libonnxruntime_providers_shared\.so/,
  );
});
