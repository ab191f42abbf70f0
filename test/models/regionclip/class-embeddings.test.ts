import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openRegionClipWeights, type RegionClipWeights } from "../../../src/models/regionclip/checkpoint.js";
import {
  embedConcept,
  embedConcepts,
  lvisVocabulary,
  queryClasses,
  readClassEmbeddings,
  readClassNamesFile,
  regionClipVocabulary,
} from "../../../src/models/regionclip/class-embeddings.js";
import {
  prepareLvisName,
  prepareQuery,
  regionClipPromptIds,
  VocabularyMatcher,
} from "../../../src/models/regionclip/concept-text.js";
import { LVIS_V1_NAMES } from "../../../src/models/regionclip/lvis-v1-names.js";
import { REGIONCLIP_PROMPT_TEMPLATES } from "../../../src/models/regionclip/prompt-templates.js";
import { RegionClipTextEncoder } from "../../../src/models/regionclip/text-encoder.js";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import type { ExecutionChoice } from "../../../src/onnx/session.js";
import { ClipTokenizer } from "../../../src/text/clip-tokenizer.js";
import { assertClose } from "../../support/assert-close.js";
import { fixturePath, readFixtureJson } from "../../support/fixtures.js";

// Fixture: regionclip/ (text.safetensors, cases.json). Tolerance: the fixture README's 1e-5 for the text tower
// run with ORT (measured there: per-template ≤ 1.6e-6, means ≤ 4.2e-7).
const TOL = { atol: 1e-5 };
const CPU: ExecutionChoice = { provider: "cpu", precision: "fp32", threads: undefined, reason: "test" };

interface Cases {
  templates: string[];
  vocabulary: { lvis_name: string; prepared: string; templates_truncated: number[] }[];
  per_template_emb_concepts: number[];
  grit_single_query: { query: string; prepared: string; in_vocabulary: boolean; class_index: number }[];
}
const cases = readFixtureJson<Cases>("regionclip", "cases.json");
const vocabularyNames = cases.vocabulary.map((v) => v.prepared);
const dir = mkdtempSync(join(tmpdir(), "gritloc-regionclip-text-"));

let tokenizer: ClipTokenizer;
let text: SafetensorsFile;
let weights: RegionClipWeights;
let encoder: RegionClipTextEncoder;

before(async () => {
  tokenizer = await ClipTokenizer.fromFile(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"));
  text = SafetensorsFile.open(fixturePath("regionclip", "text.safetensors"));
  weights = await openRegionClipWeights({ weights: fixturePath("regionclip", "regionclip.pth") });
  // The fixture's text tower is 8 wide with 2 heads (model.json), not CLIP's width / 64.
  encoder = await RegionClipTextEncoder.load(weights, CPU, join(dir, "cache"), { heads: 2 });
});
after(async () => {
  await encoder.dispose();
  weights.close();
  text.close();
});

function int32(name: string): Int32Array {
  const bytes = text.readBytes(name);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

test("the 81 prompt templates are RegionCLIP's, in order", () => {
  assert.deepEqual([...REGIONCLIP_PROMPT_TEMPLATES], cases.templates);
});

test("LVIS names are prepared like get_cls_names: _ → space, parentheses dropped", () => {
  for (const v of cases.vocabulary) assert.equal(prepareLvisName(v.lvis_name), v.prepared);
});

test("prompt rows equal pre_tokenize bit for bit, including the prompts that lose their EOT at 77 tokens", () => {
  const expected = int32("text.token_ids");
  const rows = 81 * 77;
  for (const [k, name] of vocabularyNames.entries()) {
    const ids = regionClipPromptIds(tokenizer, name);
    assert.deepEqual(ids, expected.subarray(k * rows, (k + 1) * rows), `concept ${k}`);
    const withoutEot = [...Array(81).keys()].filter(
      (t) => !ids.subarray(t * 77, (t + 1) * 77).includes(49407),
    );
    assert.deepEqual(withoutEot, cases.vocabulary[k].templates_truncated, `concept ${k} truncated templates`);
  }
  assert.ok(
    cases.vocabulary[19].templates_truncated.length > 0,
    "the fixture exercises the truncation quirk",
  );
  const queries = int32("text.query_token_ids");
  const added = cases.grit_single_query.filter((q) => !q.in_vocabulary);
  for (const [i, q] of added.entries())
    assert.deepEqual(
      regionClipPromptIds(tokenizer, prepareQuery(q.query)),
      queries.subarray(i * rows, (i + 1) * rows),
    );
});

test("per-template text embeddings match encode_text within 1e-5 (the truncated prompts pool at the largest id)", async () => {
  const expected = text.readFloat32("text.per_template_emb");
  for (const [i, k] of cases.per_template_emb_concepts.entries()) {
    const got = await encoder.embed(regionClipPromptIds(tokenizer, vocabularyNames[k]), 81);
    assertClose(got, expected.subarray(i * 81 * 64, (i + 1) * 81 * 64), TOL, `per-template concept ${k}`);
  }
});

test("concept embeddings (mean over the 81 templates, not normalised) match concept_emb.pth within 1e-5", async () => {
  const computed = await embedConcepts(encoder, tokenizer, vocabularyNames);
  assert.equal(computed.count, 20);
  assert.equal(computed.dim, 64);
  assertClose(computed.data, text.readFloat32("text.concept_emb"), TOL, "concept_emb");
  const released = await readClassEmbeddings(fixturePath("regionclip", "concept_emb.pth"), 64);
  assertClose(computed.data, released.data, TOL, "concept_emb.pth");
});

test("GRIT queries: matched by cleaned BPE ids to the vocabulary row, otherwise embedded and added as class K", async () => {
  const released = await readClassEmbeddings(fixturePath("regionclip", "concept_emb.pth"));
  const vocabulary = regionClipVocabulary(vocabularyNames, released, "concept_emb.pth");
  const matcher = new VocabularyMatcher(tokenizer, vocabularyNames);
  const queryEmb = text.readFloat32("text.query_emb");
  for (const [i, q] of cases.grit_single_query.entries()) {
    const classes = await queryClasses(vocabulary, matcher, q.query, (name) =>
      embedConcept(encoder, tokenizer, name),
    );
    assert.equal(classes.prepared, q.prepared);
    assert.equal(classes.inVocabulary, q.in_vocabulary, q.query);
    assert.equal(classes.classIndex, q.class_index, q.query);
    assert.equal(classes.embeddings.count, q.in_vocabulary ? 20 : 21);
    const row = classes.embeddings.data.subarray(q.class_index * 64, (q.class_index + 1) * 64);
    assertClose(row, queryEmb.subarray(i * 64, (i + 1) * 64), TOL, `query ${JSON.stringify(q.query)}`);
    assert.deepEqual(
      classes.embeddings.data.subarray(0, 20 * 64),
      released.data,
      "vocabulary rows unchanged",
    );
  }
});

test("queries are stripped like Python's str.strip(): Unicode whitespace and \\x1c-\\x1f go, U+FEFF stays", () => {
  assert.equal(prepareQuery("\x1c  Salt + Pepper Shaker \x85\u3000"), "Salt + Pepper Shaker");
  assert.equal(prepareQuery("\ufeffx "), "\ufeffx");
});

test("matching ignores case, spacing, commas and '+' as the BPE cleaning does, and takes the first equal key", () => {
  const matcher = new VocabularyMatcher(tokenizer, [
    "knife, fork",
    "salt+pepper shaker",
    "Knife fork",
    "café table",
  ]);
  assert.equal(matcher.indexOf("KNIFE   fork"), 0);
  assert.equal(matcher.indexOf("salt pepper shaker"), 1);
  assert.equal(matcher.indexOf("\tcafé table\n"), 3);
  assert.equal(matcher.indexOf("knife"), undefined);
  assert.equal(matcher.indexOf("salt-pepper shaker"), undefined, "'-' is a token of its own");
});

test("the default vocabulary is the 1203 LVIS v1 names in category-id order, prepared", () => {
  assert.equal(LVIS_V1_NAMES.length, 1203);
  assert.equal(new Set(LVIS_V1_NAMES).size, 1203);
  assert.equal(LVIS_V1_NAMES[0], "aerosol_can");
  assert.equal(LVIS_V1_NAMES[1202], "zucchini");
  // sha256 of the names joined by newlines, as extracted from lvis_v1_categories.py (provenance in the file).
  const digest = createHash("sha256")
    .update(`${LVIS_V1_NAMES.join("\n")}\n`)
    .digest("hex");
  assert.equal(digest, "a9ee517d3071bff0d31ab0d5698968cfa0df40d0a4635c746c991fdbd2099ddd");
  const names = lvisVocabulary();
  for (const v of cases.vocabulary.filter((c) => LVIS_V1_NAMES.includes(c.lvis_name)))
    assert.equal(names[LVIS_V1_NAMES.indexOf(v.lvis_name)], v.prepared);
  assert.ok(names.includes("bow weapon") && names.includes("bus vehicle"));
});

test("a class-names file gives one prepared name per non-blank line; an empty file is an error naming it", () => {
  const path = join(dir, "names.txt");
  writeFileSync(path, "bow_(weapon)\r\n  hot_dog \n\nsalt+pepper_shaker\n");
  assert.deepEqual(readClassNamesFile(path), ["bow weapon", "hot dog", "salt+pepper shaker"]);
  const empty = join(dir, "empty.txt");
  writeFileSync(empty, "\n\n");
  assert.throws(() => readClassNamesFile(empty), {
    code: "E_DATA_INVALID",
    message: /empty\.txt: no class names/,
  });
  assert.throws(() => readClassNamesFile(join(dir, "absent.txt")), { code: "E_NOT_FOUND" });
});

test("class embeddings of the wrong width, or names that do not match their count, are errors naming the file", async () => {
  await assert.rejects(readClassEmbeddings(fixturePath("regionclip", "concept_emb.pth"), 1024), {
    code: "E_WEIGHTS_INVALID",
    message: /concept_emb\.pth: class embeddings have shape \[20, 64\], expected \[K, 1024\]/,
  });
  const released = await readClassEmbeddings(fixturePath("regionclip", "concept_emb.pth"));
  assert.throws(() => regionClipVocabulary(["a"], released, "emb.pth"), {
    code: "E_WEIGHTS_INVALID",
    message: /emb\.pth: 20 class embeddings for 1 class names/,
  });
});
