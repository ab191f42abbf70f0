/**
 * `gritloc doctor` through the CLI dispatcher on this CPU-only machine: every family with --json (the object's
 * shape checked field by field), the text report of one family, and bad flags.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDoctorFlags } from "../../src/cli/doctor.js";
import { main } from "../../src/cli/main.js";
import { ABLATION_SAMPLES } from "../../src/doctor/measure-throughput.js";
import { isGritlocError } from "../../src/errors.js";
import { CUDA_INSTALL_COMMAND } from "../../src/onnx/session.js";
import { captureIo } from "../support/cli-io.js";

test("gritloc doctor --json runs every family on the CPU against fp32 and reports the missing CUDA provider", async () => {
  const io = captureIo();
  const code = await main(["doctor", "--json", "--samples", "4", "--threads", "1"], io);
  const report = JSON.parse(io.out.join(""));
  assert.equal(code, 0, io.out.join("") + io.err.join(""));
  assert.equal(report.versions.node, process.version);
  assert.match(report.versions.onnxruntimeNode, /^1\.\d+\.\d+$/);
  assert.match(report.versions.gritloc, /^\d+\.\d+\.\d+/);
  assert.equal(report.gpu, null);
  assert.equal(report.cuda.available, false);
  assert.match(report.cuda.reason, /not installed/);
  assert.equal(report.cuda.installCommand, CUDA_INSTALL_COMMAND);
  assert.equal(report.sizes, "default");
  assert.deepEqual(
    report.families.map((f: { family: string }) => f.family),
    ["smoke", "slicvit", "owlvit", "regionclip"],
  );
  for (const f of report.families) {
    assert.equal(f.error, undefined, `${f.family}: ${f.error}`);
    assert.equal(f.provider, "cpu");
    assert.equal(f.precision, "fp16");
    // fp16 on the CPU against fp32: a small, nonzero difference (ORT really ran the fp16 graphs).
    assert.ok(f.maxAbsDiff > 0 && f.maxAbsDiff < 0.05, `${f.family} maxAbsDiff ${f.maxAbsDiff}`);
    assert.equal(typeof f.sameBoxes, "boolean");
    assert.deepEqual(f.cpuPlacedOps, []);
    assert.equal(f.placement.length, 1);
    assert.equal(f.placement[0].provider, "CPUExecutionProvider");
  }
  const regionClip = report.families[3];
  assert.equal(regionClip.compared, "region–class cosines");
  assert.match(regionClip.model, /random RegionCLIP .*CLIP ResNet 3-4-6-3 width 16 .*100 proposals/);
  assert.ok(regionClip.queries > 0);
  const t = report.throughput;
  assert.equal(t.family, "slicvit");
  assert.equal(t.samples, 4);
  assert.ok(t.samplesPerSecond > 0);
  assert.ok(Math.abs(t.projectedAblationSeconds - ABLATION_SAMPLES / t.samplesPerSecond) < 1e-6);
  assert.ok(t.modelSeconds > 0 && t.prepareWaitSeconds >= 0);
  assert.equal(t.peakGpuMemoryMiB, null);
  const statuses = Object.fromEntries(
    report.checks.map((c: { topic: string; status: string }) => [c.topic, c.status]),
  );
  assert.equal(statuses["CUDA provider"], "warn");
  assert.equal(statuses.GPU, "warn");
  assert.equal(statuses["timed run"], "pass");
  assert.match(io.err.join(""), /\[doctor\] owlvit: seeded model on CPU fp32 and on cpu fp16/);
});

test("the text report has one pass/warn/fail line per check, with the install command", async () => {
  const io = captureIo();
  assert.equal(await main(["doctor", "--model", "smoke", "--samples", "2", "--threads", "1"], io), 0);
  const out = io.out.join("");
  assert.match(out, /^PASS {2}versions: Node v\d+/m);
  assert.match(
    out,
    /^WARN {2}CUDA provider: not available: .*Install it with: ONNXRUNTIME_NODE_INSTALL=cuda12 /m,
  );
  assert.match(out, /^(PASS|WARN) {2}smoke: CPU fp16 vs CPU fp32: region and text embeddings max \|diff\| /m);
  assert.match(
    out,
    /^PASS {2}smoke placement: \d+ on CPUExecutionProvider \(the CPU provider was chosen\)$/m,
  );
  assert.match(
    out,
    /^PASS {2}timed run: smoke on CPU fp32, 2 mini-set samples, .* GRIT ablation \(21,078 samples\) would take /m,
  );
  assert.equal(out.trim().split("\n").length, 6);
});

test("bad doctor flags are refused with the flag named", () => {
  const refused = (argv: string[], flag: RegExp) =>
    assert.throws(
      () => parseDoctorFlags(argv),
      (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && flag.test(e.message),
    );
  refused(["--model", "yolo"], /--model/);
  refused(["--precision", "fp8"], /--precision/);
  refused(["--provider", "tpu"], /--provider/);
  refused(["--samples", "0"], /samples/);
  assert.deepEqual(parseDoctorFlags(["--model", "owlvit", "--full", "--json"]), {
    options: { model: "owlvit", full: true },
    json: true,
  });
});
