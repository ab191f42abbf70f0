import assert from "node:assert/strict";
import { test } from "node:test";
import { type LogRecord, setLogHandler } from "../../src/logger.js";
import { chooseExecution } from "../../src/onnx/session.js";

async function withLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const previous = setLogHandler((r) => logs.push(r));
  try {
    return { result: await run(), logs };
  } finally {
    setLogHandler(previous);
  }
}

// This machine has no CUDA provider library (onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=skip).
test("asking for CUDA without its provider falls back to CPU fp32 with one warning saying why", async () => {
  const { result, logs } = await withLogs(() => chooseExecution({ provider: "cuda" }));
  assert.equal(result.provider, "cpu");
  assert.equal(result.precision, "fp32");
  const onnxLogs = logs.filter((r) => r.scope === "onnx");
  assert.equal(onnxLogs.length, 1);
  assert.equal(onnxLogs[0].level, "warn");
  assert.match(
    onnxLogs[0].message,
    /using CPU with fp32 graphs \(CUDA execution provider not available \(.+\); falling back to CPU/,
  );
  assert.match(
    onnxLogs[0].message,
    /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/,
  );
});

test("auto picks CPU here with an info line; explicit precision is kept", async () => {
  const { result, logs } = await withLogs(() => chooseExecution({ precision: "fp16", threads: 2 }));
  assert.deepEqual([result.provider, result.precision, result.threads], ["cpu", "fp16", 2]);
  assert.equal(logs.filter((r) => r.scope === "onnx" && r.level === "info").length, 1);
  const cpu = await withLogs(() => chooseExecution({ provider: "cpu" }));
  assert.match(cpu.logs[0].message, /using CPU with fp32 graphs \(CPU requested\)/);
});

test("runtime options are checked with messages naming the option", async () => {
  await assert.rejects(
    chooseExecution({ provider: "gpu" as "cpu" }),
    /Expected "auto", "cpu" or "cuda" for provider but received "gpu"/,
  );
  await assert.rejects(chooseExecution({ precision: "int8" as "fp32" }), /for precision but received "int8"/);
  await assert.rejects(
    chooseExecution({ threads: 0 }),
    /Expected a positive integer for threads but received 0/,
  );
});
