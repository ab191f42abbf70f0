import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCudaDriverVersion, parseGpuQuery } from "../../src/doctor/nvidia-smi.js";

test("nvidia-smi's CSV query gives one GPU per line; anything else is ignored", () => {
  const csv = "NVIDIA H100 80GB HBM3, 81559, 550.54.15\nTesla T4, 15360, 535.104.05\n\n";
  assert.deepEqual(parseGpuQuery(csv), [
    { name: "NVIDIA H100 80GB HBM3", memoryTotalMiB: 81559, driverVersion: "550.54.15" },
    { name: "Tesla T4", memoryTotalMiB: 15360, driverVersion: "535.104.05" },
  ]);
  assert.deepEqual(
    parseGpuQuery("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."),
    [],
  );
});

test("the CUDA version the driver supports is read from nvidia-smi's banner", () => {
  const banner = "| NVIDIA-SMI 550.54.15    Driver Version: 550.54.15    CUDA Version: 12.4     |";
  assert.equal(parseCudaDriverVersion(banner), "12.4");
  assert.equal(parseCudaDriverVersion(""), undefined);
});
