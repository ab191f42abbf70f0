import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { cleanText } from "../../src/text/clean-text.js";
import { ClipTokenizer } from "../../src/text/clip-tokenizer.js";
import { fixturePath, readFixtureJson, readI32 } from "../support/fixtures.js";

interface ClipCase {
  readonly index: number;
  readonly text: string;
  readonly cleaned: string;
  readonly n_bpe_tokens: number;
  readonly truncated: boolean;
}

const SOT = 49406;
const EOT = 49407;
let tokenizer: ClipTokenizer;

before(async () => {
  tokenizer = await ClipTokenizer.fromFile(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"));
});

function row(ids: Int32Array, index: number, length: number): number[] {
  return Array.from(ids.subarray(index * length, (index + 1) * length));
}

test("the vocabulary has CLIP's 49,408 ids with SOT 49406 and EOT 49407", () => {
  assert.equal(tokenizer.vocabSize, 49408);
  assert.equal(tokenizer.sotId, SOT);
  assert.equal(tokenizer.eotId, EOT);
});

test("encode equals clip.tokenize(truncate=True) exactly on all 299 rows of clip/tokens.i32", () => {
  // Fixture: clip/tokens.i32 [299, 77] with texts from clip/cases.json; tolerance: exact.
  const { cases } = readFixtureJson<{ cases: ClipCase[] }>("clip", "cases.json");
  const expected = readI32("clip", "tokens.i32");
  assert.equal(cases.length, 299);
  const actual = tokenizer.encode(cases.map((c) => c.text));
  assert.equal(actual.length, expected.length);
  const mismatched = cases.filter(
    (c) => row(actual, c.index, 77).join() !== row(expected, c.index, 77).join(),
  );
  assert.deepEqual(
    mismatched.map((c) => `${c.index} ${JSON.stringify(c.text)}`),
    [],
    "rows that differ from clip.tokenize",
  );
});

test("cleanText equals the fixture's whitespace_clean(basic_clean(text)).lower() and lengths match", () => {
  // Fixture: clip/cases.json fields `cleaned` and `n_bpe_tokens`; tolerance: exact.
  const { cases } = readFixtureJson<{ cases: ClipCase[] }>("clip", "cases.json");
  for (const c of cases) {
    assert.equal(cleanText(c.text), c.cleaned, `row ${c.index} ${JSON.stringify(c.text)}`);
    assert.equal(tokenizer.encodeText(c.text).length, c.n_bpe_tokens, `row ${c.index}`);
  }
});

test("encodePadded reproduces the OWL-ViT processor's input_ids and attention_mask", () => {
  // Fixture: owlvit/input_ids.i32 and owlvit/attention_mask.i32 [3, 16] for owlvit/cases.json queries; exact.
  const { queries } = readFixtureJson<{ queries: string[] }>("owlvit", "cases.json");
  const { ids, attentionMask, count, length } = tokenizer.encodePadded(queries, { length: 16, padId: 0 });
  assert.equal(count, 3);
  assert.equal(length, 16);
  assert.deepEqual(Array.from(ids), Array.from(readI32("owlvit", "input_ids.i32")));
  assert.deepEqual(Array.from(attentionMask), Array.from(readI32("owlvit", "attention_mask.i32")));
});

test("encode truncates a long text to the context length and forces EOT into the last slot", () => {
  const words = Array.from({ length: 80 }, () => "dog");
  const [long, exact] = [words.join(" "), words.slice(0, 75).join(" ")];
  const ids = tokenizer.encode([long, exact], 77);
  const dog = tokenizer.encodeText("dog")[0];
  assert.deepEqual(row(ids, 0, 77), [SOT, ...Array(75).fill(dog), EOT]);
  assert.deepEqual(row(ids, 1, 77), [SOT, ...Array(75).fill(dog), EOT]);
  assert.deepEqual(row(tokenizer.encode(["a red ball"], 4), 0, 4), [SOT, 320, 736, EOT]);
});

test("empty and whitespace-only texts give [SOT, EOT] and zero padding", () => {
  const ids = tokenizer.encode(["", " \t\n "], 5);
  assert.deepEqual(Array.from(ids), [SOT, EOT, 0, 0, 0, SOT, EOT, 0, 0, 0]);
  assert.equal(tokenizer.encode([]).length, 0);
  const padded = tokenizer.encodePadded([" "], { length: 4 });
  assert.deepEqual(Array.from(padded.ids), [SOT, EOT, 0, 0]);
  assert.deepEqual(Array.from(padded.attentionMask), [1, 1, 0, 0]);
});

test("special tokens written inside a text map to their ids, case-insensitively after lower-casing", () => {
  assert.deepEqual(tokenizer.encodeText("<|endoftext|>"), [EOT]);
  const hello = tokenizer.encodeText("hello")[0];
  const world = tokenizer.encodeText("world")[0];
  assert.deepEqual(tokenizer.encodeText("hello <|startoftext|> world"), [hello, SOT, world]);
  assert.deepEqual(tokenizer.encodeText("HELLO<|EndOfText|>"), [hello, EOT]);
});

test("encodePadded rejects a too-long text by default, naming it, and truncates with EOT kept on request", () => {
  const long = "a photo of a very large brown dog sitting on a wooden bench in the park";
  assert.throws(
    () => tokenizer.encodePadded(["cat", long], { length: 16 }),
    (error: Error) =>
      isGritlocError(error, "E_INVALID_OPTION") &&
      error.message.includes(`texts[1] "${long}" needs 18 tokens`) &&
      error.message.includes("rows hold 16") &&
      error.message.includes("truncate: true"),
  );
  const { ids, attentionMask } = tokenizer.encodePadded([long], { length: 16, truncate: true });
  assert.deepEqual(Array.from(ids).slice(0, 15), [SOT, ...tokenizer.encodeText(long).slice(0, 14)]);
  assert.equal(ids[15], EOT);
  assert.deepEqual(Array.from(attentionMask), Array(16).fill(1));
});

test("encodePadded fills after EOT with padId and masks it out", () => {
  const { ids, attentionMask } = tokenizer.encodePadded(["spoon."], { length: 6, padId: 7 });
  assert.deepEqual(Array.from(ids), [SOT, 14024, 269, EOT, 7, 7]);
  assert.deepEqual(Array.from(attentionMask), [1, 1, 1, 1, 0, 0]);
});

test("decode inverts encodeText up to word spacing, keeping special tokens", () => {
  assert.equal(tokenizer.decode(tokenizer.encodeText("Fire  hydrant, café 🐶")), "fire hydrant , café 🐶 ");
  assert.equal(tokenizer.decode([SOT, 320, EOT]), "<|startoftext|>a <|endoftext|>");
  assert.equal(tokenizer.decode(new Int32Array([0, 0])), "!!");
});

test("bad arguments are rejected with messages naming the parameter", () => {
  const cases: Array<[() => unknown, string]> = [
    [() => tokenizer.encode("cat" as unknown as string[]), "Expected an array of strings for texts"],
    [
      () => tokenizer.encode(["cat", 3 as unknown as string]),
      "Expected a string for texts[1] but received 3",
    ],
    [() => tokenizer.encode(["cat"], 1), "for contextLength but received 1 of type number"],
    [() => tokenizer.encode(["cat"], 7.5), "for contextLength but received 7.5"],
    [() => tokenizer.encodePadded(["cat"], { length: 0 }), "for options.length but received 0"],
    [() => tokenizer.encodePadded(["cat"], { length: 16, padId: -1 }), "for options.padId but received -1"],
    [
      () => tokenizer.encodePadded(["cat"], { length: 16, truncate: "yes" as unknown as boolean }),
      "Expected a boolean for options.truncate",
    ],
    [() => tokenizer.encodePadded(["cat"], undefined as never), "for options but received undefined"],
    [() => tokenizer.encodeText(5 as unknown as string), "Expected a string for text"],
    [() => tokenizer.decode([49408]), "Expected an integer id in [0, 49408) for ids[0] but received 49408"],
    [() => tokenizer.decode(null as never), "Expected an array of token ids for ids"],
  ];
  for (const [call, message] of cases) {
    assert.throws(
      call,
      (error: Error) => isGritlocError(error, "E_INVALID_OPTION") && error.message.includes(message),
      message,
    );
  }
});

test("fromFile names a missing file (E_NOT_FOUND) and a file that is not a merges file (E_WEIGHTS_INVALID)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-tokenizer-"));
  const missing = join(dir, "missing.txt.gz");
  await assert.rejects(ClipTokenizer.fromFile(missing), (error: Error) => {
    return isGritlocError(error, "E_NOT_FOUND") && error.message.includes(missing);
  });
  const notMerges = join(dir, "readme.txt");
  writeFileSync(notMerges, "hello world\nthis is not a vocabulary\n");
  await assert.rejects(ClipTokenizer.fromFile(notMerges), (error: Error) => {
    return (
      isGritlocError(error, "E_WEIGHTS_INVALID") &&
      error.message.includes(`${notMerges} is not a CLIP BPE merges file`) &&
      error.message.includes('"hello world"') &&
      error.message.includes("bpe_simple_vocab_16e6.txt.gz")
    );
  });
  await assert.rejects(ClipTokenizer.fromFile(dir), (error: Error) => {
    return isGritlocError(error, "E_WEIGHTS_INVALID") && error.message.includes(`${dir} cannot be read`);
  });
  await assert.rejects(ClipTokenizer.fromFile(""), (error: Error) =>
    isGritlocError(error, "E_INVALID_OPTION"),
  );
});

test("tokenising 21,078 short GRIT-style queries is fast (time printed, not asserted)", (t) => {
  const { cases } = readFixtureJson<{ cases: ClipCase[] }>("clip", "cases.json");
  // COCO/LVIS names and GRIT phrases (rows 0–189), with numbers appended so not every query repeats.
  const queries = Array.from({ length: 21078 }, (_, i) => {
    const base = cases[i % 190].text;
    return i % 3 === 0 ? base : `${base} ${i % 97}`;
  });
  const fresh = ClipTokenizer.fromBytes(readFileSync(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz")));
  const start = performance.now();
  const ids = fresh.encode(queries);
  const coldMs = performance.now() - start;
  const again = performance.now();
  fresh.encode(queries);
  const warmMs = performance.now() - again;
  assert.equal(ids.length, 21078 * 77);
  t.diagnostic(
    `encode 21078 queries: ${coldMs.toFixed(0)} ms first call, ${warmMs.toFixed(0)} ms with warm BPE cache`,
  );
});
