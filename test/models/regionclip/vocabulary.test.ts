import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openRegionClipWeights } from "../../../src/models/regionclip/checkpoint.js";
import type { PromptEmbedder } from "../../../src/models/regionclip/class-embeddings.js";
import { RegionClipTextEncoder } from "../../../src/models/regionclip/text-encoder.js";
import { loadRegionClipVocabulary } from "../../../src/models/regionclip/vocabulary.js";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import type { ExecutionChoice } from "../../../src/onnx/session.js";
import { ClipTokenizer } from "../../../src/text/clip-tokenizer.js";
import { assertClose } from "../../support/assert-close.js";
import { fixturePath, readFixtureJson } from "../../support/fixtures.js";

// Fixture: regionclip/ (the 20 raw vocabulary names of cases.json, concept_emb.pth, text.safetensors); 1e-5 as
// for the text tower (fixture README tolerances).
const CPU: ExecutionChoice = { provider: "cpu", precision: "fp32", threads: undefined, reason: "test" };
const fixture = (name: string) => fixturePath("regionclip", name);
const rawNames = readFixtureJson<{ vocabulary: { lvis_name: string; prepared: string }[] }>(
  "regionclip",
  "cases.json",
).vocabulary;
const dir = mkdtempSync(join(tmpdir(), "gritloc-regionclip-vocab-"));
const namesFile = join(dir, "names.txt");
let tokenizer: ClipTokenizer;
const encoders: RegionClipTextEncoder[] = [];

before(async () => {
  tokenizer = await ClipTokenizer.fromFile(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"));
  writeFileSync(namesFile, `${rawNames.map((v) => v.lvis_name).join("\n")}\n`);
});
after(async () => {
  for (const encoder of encoders) await encoder.dispose();
});

test("with a class-embeddings file the vocabulary is its rows, named by the class-names file", async () => {
  const weights = await openRegionClipWeights({
    weights: fixture("regionclip.pth"),
    classEmbeddings: fixture("concept_emb.pth"),
  });
  const vocabulary = await loadRegionClipVocabulary({
    weights,
    classNames: namesFile,
    tokenizer,
    encoder: () => assert.fail("nothing to compute"),
    cacheDir: join(dir, "cache"),
    identity: "fixture",
  });
  assert.deepEqual(
    vocabulary.names,
    rawNames.map((v) => v.prepared),
  );
  const text = SafetensorsFile.open(fixture("text.safetensors"));
  assert.deepEqual(vocabulary.embeddings.data, text.readFloat32("text.concept_emb"));
  text.close();
  // Without --class-names the 1203 LVIS names do not fit 20 rows.
  await assert.rejects(
    loadRegionClipVocabulary({
      weights,
      tokenizer,
      encoder: () => assert.fail(),
      cacheDir: dir,
      identity: "x",
    }),
    { code: "E_WEIGHTS_INVALID", message: /concept_emb\.pth: 20 class embeddings for 1203 class names/ },
  );
  weights.close();
});

test("without one they are computed with the text encoder (≤ 1e-5 from concept_emb.pth), then reused from the cache", async () => {
  const weights = await openRegionClipWeights({ weights: fixture("regionclip.pth") });
  let loads = 0;
  const encoder = async (): Promise<PromptEmbedder> => {
    loads++;
    const loaded = await RegionClipTextEncoder.load(weights, CPU, join(dir, "cache"), {
      heads: 2,
      identity: "fixture",
    });
    encoders.push(loaded);
    return loaded;
  };
  const sources = {
    weights,
    classNames: namesFile,
    tokenizer,
    encoder,
    cacheDir: join(dir, "cache"),
    identity: "fixture",
  };
  const progress: number[] = [];
  const computed = await loadRegionClipVocabulary({ ...sources, onProgress: (done) => progress.push(done) });
  assert.equal(loads, 1);
  assert.deepEqual(
    progress,
    [...Array(20).keys()].map((i) => i + 1),
  );
  const text = SafetensorsFile.open(fixture("text.safetensors"));
  assertClose(computed.embeddings.data, text.readFloat32("text.concept_emb"), { atol: 1e-5 }, "computed");
  text.close();
  const cached = await loadRegionClipVocabulary(sources);
  assert.equal(loads, 1, "the second load reads the cache");
  assert.deepEqual(cached.embeddings.data, computed.embeddings.data);
  // Other weights (identity) or other names are other cache entries.
  await loadRegionClipVocabulary({ ...sources, identity: "other" });
  assert.equal(loads, 2);
  weights.close();
});
