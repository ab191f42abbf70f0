import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type LogRecord, setLogHandler } from "../../src/logger.js";
import { createLocalizer, type ModelSpec } from "../../src/models/registry.js";
import { fixturePath } from "../support/fixtures.js";
import { writeFixtureCheckpoint } from "./support/fixture-clip.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-registry-"));
const cacheDir = join(dir, "cache");
const vocab = fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz");

async function withLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const previous = setLogHandler((r) => logs.push(r));
  try {
    return { result: await run(), logs };
  } finally {
    setLogHandler(previous);
  }
}

test("asking for CUDA without its provider gives a CPU localizer, says so once, and records provider cpu", async () => {
  const { result, logs } = await withLogs(() =>
    createLocalizer({ family: "smoke" }, { provider: "cuda", cacheDir }),
  );
  assert.equal(result.info.provider, "cpu");
  const fallback = logs.filter((r) => r.scope === "onnx");
  assert.equal(fallback.length, 1);
  assert.equal(fallback[0].level, "warn");
  assert.match(fallback[0].message, /CUDA execution provider not available .* falling back to CPU/);
  await result.dispose();
});

test("the smoke model is loud about being random and deterministic per seed", async () => {
  const { result: a, logs } = await withLogs(() => createLocalizer({ family: "smoke" }, { cacheDir }));
  assert.equal(a.info.isSmoke, true);
  assert.equal(a.info.family, "smoke");
  assert.equal(a.info.model, "smoke (random, seed 0)");
  assert.ok(
    logs.some((r) => r.level === "warn" && /RANDOM weights.*byte-level fallback tokenizer/.test(r.message)),
  );
  const again = await createLocalizer({ family: "smoke", seed: 0 }, { cacheDir });
  const other = await createLocalizer({ family: "smoke", seed: 1 }, { cacheDir });
  const withVocab = await createLocalizer({ family: "smoke", vocab }, { cacheDir });
  assert.equal(again.info.optionsHash, a.info.optionsHash);
  assert.notEqual(other.info.optionsHash, a.info.optionsHash);
  assert.notEqual(withVocab.info.optionsHash, a.info.optionsHash, "the tokenizer changes outputs");
  await Promise.all([a, again, other, withVocab].map((l) => l.dispose()));
});

test("optionsHash changes with weights and with every output-affecting option, not with threads", async () => {
  const fixture = writeFixtureCheckpoint(dir);
  const hf = writeFixtureCheckpoint(dir, { naming: "huggingface" });
  const base: ModelSpec = { family: "slicvit", weights: fixture.weights, config: fixture.config, vocab };
  const hashOf = async (spec: ModelSpec, threads?: number) => {
    const localizer = await createLocalizer(spec, {
      cacheDir,
      ...(threads === undefined ? {} : { threads }),
    });
    await localizer.dispose();
    return localizer.info.optionsHash;
  };
  const reference = await hashOf(base);
  assert.equal(await hashOf(base, 1), reference);
  const variants: ModelSpec[] = [
    { ...base, weights: hf.weights, config: hf.config },
    { ...base, options: { alpha: 0.8 } },
    { ...base, options: { temperature: 0.03 } },
    { ...base, options: { nSegments: [100, 200] } },
    { ...base, options: { compactness: 20 } },
    { ...base, options: { sigma: 1 } },
    { ...base, options: { startBlock: 1 } },
    { ...base, options: { upsample: 1 } },
  ];
  for (const spec of variants) assert.notEqual(await hashOf(spec), reference, JSON.stringify(spec));
});

test("bad specs are rejected with the field named", async () => {
  await assert.rejects(
    createLocalizer({ family: "owl" } as unknown as ModelSpec),
    /Expected "slicvit", "smoke", "owlvit" or "regionclip" for spec\.family but received "owl"/,
  );
  await assert.rejects(
    createLocalizer({ family: "slicvit", vocab } as unknown as ModelSpec),
    /Expected a file path for spec\.weights but received undefined/,
  );
  await assert.rejects(
    createLocalizer({ family: "smoke", seed: -1 }),
    /Expected an integer in \[0, 4294967295\] for spec\.seed but received -1/,
  );
  await assert.rejects(
    createLocalizer({ family: "smoke", options: { alpha: -1 } }),
    /Expected a finite number ≥ 0 for alpha but received -1/,
  );
  await assert.rejects(
    createLocalizer({ family: "smoke", options: { upsample: 4 } }, { cacheDir }),
    /Expected an upsample factor that gives a 64×64 token grid for patch 14 but received 4/,
  );
  await assert.rejects(
    createLocalizer({ family: "slicvit", weights: join(dir, "missing.safetensors"), vocab }),
    (e: Error & { code?: string }) => e.code === "E_NOT_FOUND" && /missing\.safetensors/.test(e.message),
  );
});
