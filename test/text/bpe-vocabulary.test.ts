import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { isGritlocError } from "../../src/errors.js";
import { CLIP_MERGE_COUNT, parseBpeMerges } from "../../src/text/bpe-vocabulary.js";
import { bytePairEncode } from "../../src/text/byte-pair-encode.js";
import { BYTE_ENCODER, BYTE_VOCABULARY } from "../../src/text/bytes-to-unicode.js";
import { fixturePath } from "../support/fixtures.js";

// Fixture: clip/bpe_simple_vocab_16e6.txt.gz (byte-identical copy of CLIP's merges file).
const gzipped = readFileSync(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"));
const lines = gunzipSync(gzipped).toString("utf8").split("\n");

function rejects(bytes: Uint8Array, ...fragments: string[]): void {
  assert.throws(
    () => parseBpeMerges(bytes, "vocab/merges.bin"),
    (error: Error) =>
      isGritlocError(error, "E_WEIGHTS_INVALID") &&
      error.message.startsWith("vocab/merges.bin is not a CLIP BPE merges file") &&
      fragments.every((fragment) => error.message.includes(fragment)),
  );
}

test("the byte table maps printable bytes to themselves and the rest to U+0100.., in upstream order", () => {
  assert.equal(BYTE_ENCODER[0x41], "A");
  assert.equal(BYTE_ENCODER[0x20], "\u0120");
  assert.equal(BYTE_ENCODER[0x00], "\u0100");
  assert.equal(new Set(BYTE_ENCODER).size, 256);
  assert.equal(BYTE_VOCABULARY[0], "!");
  assert.equal(BYTE_VOCABULARY[188], "\u0100");
});

test("gzip and plain text give the same vocabulary, laid out as upstream's 49,408 ids", () => {
  const fromGzip = parseBpeMerges(gzipped, "gz");
  const fromText = parseBpeMerges(gunzipSync(gzipped), "txt");
  assert.deepEqual(fromText.decoder, fromGzip.decoder);
  assert.equal(fromGzip.decoder.length, 49408);
  assert.equal(fromGzip.decoder[256], "!</w>");
  assert.equal(fromGzip.decoder[512], lines[1].replace(" ", ""));
  assert.equal(fromGzip.encoder.get("<|endoftext|>"), 49407);
  assert.equal(fromGzip.ranks.get(lines[CLIP_MERGE_COUNT]), CLIP_MERGE_COUNT - 1);
});

test("CRLF line ends are accepted like Python's str.split() accepts them", () => {
  const crlf = Buffer.from(lines.slice(0, CLIP_MERGE_COUNT + 1).join("\r\n"));
  assert.deepEqual(parseBpeMerges(crlf, "crlf").decoder, parseBpeMerges(gzipped, "gz").decoder);
});

test("bytePairEncode merges the lowest-ranked pair first, everywhere, and marks the word end", () => {
  const { ranks } = parseBpeMerges(gzipped, "gz");
  assert.deepEqual(bytePairEncode("hydrant", ranks), ["hydr", "ant</w>"]);
  assert.deepEqual(bytePairEncode("a", ranks), ["a</w>"]);
  assert.deepEqual(bytePairEncode("ab", new Map([["a b</w>", 0]])), ["ab</w>"]);
  assert.deepEqual(bytePairEncode("aaa", new Map([["a a", 0]])), ["aa", "a</w>"]);
});

test("bytes that are neither gzip nor UTF-8 are rejected naming the source", () => {
  rejects(new Uint8Array([0xff, 0xfe, 0x00, 0x81]), "neither gzip nor UTF-8");
});

test("a corrupt gzip stream is rejected", () => {
  rejects(gzipped.subarray(0, 200), "starts like gzip but does not decompress");
});

test("a text file without the '#version' header is rejected, quoting its first line", () => {
  rejects(Buffer.from("hello world\nfoo bar\n"), 'its first line is "hello world"');
  rejects(gzipSync(Buffer.from("")), 'its first line is ""');
});

test("a merge line that does not hold two symbols is rejected with its line number", () => {
  const broken = [...lines.slice(0, 10), "a b c", ...lines.slice(11, CLIP_MERGE_COUNT + 1)].join("\n");
  rejects(Buffer.from(broken), 'line 11 holds "a b c"');
});

test("a file with fewer merges than CLIP needs is rejected with the count", () => {
  rejects(Buffer.from(lines.slice(0, 1001).join("\n")), "it holds 1000 merges, CLIP needs 48894");
});
