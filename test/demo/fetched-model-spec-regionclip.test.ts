/**
 * `fetchedModelSpec("regionclip")`: the fetched regionclip-rn50 files (weights, RPN, class embeddings, vocabulary)
 * as a RegionCLIP ModelSpec, or E_NOT_FOUND naming the missing file and the fetch command.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fetchedModelSpec } from "../../src/demo/fetched-model-spec.js";
import { isGritlocError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-fetched-regionclip-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the fetched regionclip-rn50 files make a regionclip ModelSpec", async () => {
  const names = [
    "regionclip_pretrained-cc_rn50.pth",
    "rpn_lvis_866.pth",
    "lvis_1203_cls_emb.pth",
    "bpe_simple_vocab_16e6.txt.gz",
  ];
  await assert.rejects(
    fetchedModelSpec("regionclip", { dir }),
    (e: unknown) =>
      isGritlocError(e, "E_NOT_FOUND") && /gritloc models fetch regionclip-rn50/.test((e as Error).message),
  );
  for (const name of names) writeFileSync(join(dir, name), "");
  assert.deepEqual(await fetchedModelSpec("regionclip", { dir }), {
    family: "regionclip",
    weights: join(dir, names[0]),
    rpnWeights: join(dir, names[1]),
    classEmbeddings: join(dir, names[2]),
    vocab: join(dir, names[3]),
    name: "regionclip-rn50",
  });
});
