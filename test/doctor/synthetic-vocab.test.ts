import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeSyntheticClipVocab } from "../../src/doctor/synthetic-vocab.js";
import { ClipTokenizer } from "../../src/text/clip-tokenizer.js";

test("the synthetic merges file loads as a CLIP vocabulary of 49,408 ids and tokenizes any text", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-vocab-"));
  try {
    const path = join(dir, "bpe.txt");
    writeSyntheticClipVocab(path);
    const tokenizer = await ClipTokenizer.fromFile(path);
    assert.equal(tokenizer.vocabSize, 49408);
    const ids = tokenizer.encodeText("a baking dish");
    assert.ok(ids.length > 0 && ids.every((id) => Number.isInteger(id) && id >= 0 && id < 49406));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
