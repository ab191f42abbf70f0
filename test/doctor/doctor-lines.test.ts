import assert from "node:assert/strict";
import { test } from "node:test";
import { type DoctorFacts, doctorLines, formatDoctorLines } from "../../src/doctor/doctor-lines.js";

const base: DoctorFacts = {
  versions: { node: "v20.19.0", onnxruntimeNode: "1.30.0", onnxruntimeNodePath: "/x", gritloc: "0.1.0" },
  gpu: null,
  cuda: {
    available: false,
    reason: "the CUDA provider library is not installed (/x/libonnxruntime_providers_cuda.so does not exist)",
    installCommand: "INSTALL-CMD",
    needsInstall: true,
    providerLibrary: "/x/libonnxruntime_providers_cuda.so",
  },
  families: [],
  throughput: null,
  throughputError: "E_NOT_FOUND: no samples\nstack",
};
const line = (facts: DoctorFacts, topic: string) => doctorLines(facts).find((l) => l.topic === topic);

test("a missing provider warns without a GPU and names the install command", () => {
  const cuda = line(base, "CUDA provider");
  assert.equal(cuda?.status, "warn");
  assert.match(cuda.message, /not installed .*\. Install it with: INSTALL-CMD$/);
  assert.equal(line(base, "GPU")?.status, "warn");
});

test("with a GPU, a provider that cannot load its CUDA libraries fails, naming the library and no install command", () => {
  const facts: DoctorFacts = {
    ...base,
    gpu: {
      name: "NVIDIA H100 80GB HBM3",
      memoryTotalMiB: 81559,
      driverVersion: "580.65.06",
      cudaDriverVersion: "13.0",
    },
    cuda: {
      ...base.cuda,
      reason: "a CUDA library is missing: libcublasLt.so.13 cannot be found",
      needsInstall: false,
    },
  };
  assert.deepEqual(line(facts, "GPU"), {
    status: "pass",
    topic: "GPU",
    message: "NVIDIA H100 80GB HBM3, 79.6 GiB, driver 580.65.06 (supports CUDA up to 13.0)",
  });
  const cuda = line(facts, "CUDA provider");
  assert.equal(cuda?.status, "fail");
  assert.equal(cuda.message, "not available: a CUDA library is missing: libcublasLt.so.13 cannot be found");
});

test("old Node, a family that threw and a timed run that failed are failures with their first line", () => {
  const facts: DoctorFacts = {
    ...base,
    versions: { ...base.versions, node: "v20.18.1" },
    families: [
      {
        family: "owlvit",
        provider: "cpu",
        precision: "fp16",
        maxAbsDiff: null,
        sameBoxes: null,
        cpuPlacedOps: [],
        error: "E_WEIGHTS_INVALID: bad\nmore",
      },
    ],
  };
  assert.equal(line(facts, "versions")?.status, "fail");
  assert.match(line(facts, "versions")?.message ?? "", /gritloc needs ≥ 20\.19/);
  assert.deepEqual(line(facts, "owlvit"), {
    status: "fail",
    topic: "owlvit",
    message: "failed on CPU fp16: E_WEIGHTS_INVALID: bad",
  });
  assert.deepEqual(line(facts, "timed run"), {
    status: "fail",
    topic: "timed run",
    message: "failed: E_NOT_FOUND: no samples",
  });
  assert.match(formatDoctorLines(doctorLines(facts)), /^FAIL {2}owlvit: failed on CPU fp16/m);
});
