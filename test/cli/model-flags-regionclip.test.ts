/**
 * `--model regionclip`'s flags → RegionClipModelSpec (through `familyFlags`, as the registry will once the family
 * is registered), and the RegionCLIP-only flags refused by every other family.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  familyFlags,
  type ModelFlagRules,
  type ModelFlags,
  modelSpecFromFlags,
  regionClipSpecFromFlags,
} from "../../src/cli/model-flags.js";

const spec = (flags: ModelFlags, rules: ModelFlagRules = {}) =>
  regionClipSpecFromFlags(familyFlags(flags, rules, "regionclip"));

test("every RegionCLIP file flag maps to its spec field, with --option values as options", () => {
  assert.deepEqual(
    spec({
      model: "regionclip",
      weights: "regionclip_pretrained-cc_rn50.pth",
      "rpn-weights": "rpn_lvis_866.pth",
      "class-embeddings": "lvis_1203_cls_emb.pth",
      "class-names": "names.txt",
      vocab: "bpe.txt.gz",
      option: ["mode=reference", "proposals=300"],
    }),
    {
      family: "regionclip",
      weights: "regionclip_pretrained-cc_rn50.pth",
      rpnWeights: "rpn_lvis_866.pth",
      classEmbeddings: "lvis_1203_cls_emb.pth",
      classNames: "names.txt",
      vocab: "bpe.txt.gz",
      options: { mode: "reference", proposals: 300 },
    },
  );
  assert.deepEqual(spec({ weights: "w.pth", vocab: "v" }), {
    family: "regionclip",
    weights: "w.pth",
    vocab: "v",
    options: {},
  });
});

test("the fetched files fill the flags left out; a flag given wins over the fetched file", () => {
  const rules: ModelFlagRules = {
    fallback: {
      family: "regionclip",
      weights: "/m/regionclip-rn50/regionclip_pretrained-cc_rn50.pth",
      rpnWeights: "/m/regionclip-rn50/rpn_lvis_866.pth",
      classEmbeddings: "/m/regionclip-rn50/lvis_1203_cls_emb.pth",
      vocab: "/m/regionclip-rn50/bpe_simple_vocab_16e6.txt.gz",
      name: "regionclip-rn50",
    },
  };
  assert.deepEqual(spec({ "class-embeddings": "mine.pth" }, rules), {
    family: "regionclip",
    weights: "/m/regionclip-rn50/regionclip_pretrained-cc_rn50.pth",
    rpnWeights: "/m/regionclip-rn50/rpn_lvis_866.pth",
    classEmbeddings: "mine.pth",
    vocab: "/m/regionclip-rn50/bpe_simple_vocab_16e6.txt.gz",
    name: "regionclip-rn50",
    options: {},
  });
  // Another family's fallback is not used.
  assert.throws(
    () => spec({}, { fallback: { family: "owlvit", weights: "w", vocab: "v" } }),
    /Expected a value \(required\) for --weights/,
  );
});

test("flags RegionCLIP does not read are errors naming the flag", () => {
  assert.throws(
    () => spec({ weights: "w", vocab: "v", alpha: "0.5" }),
    /no value with --model regionclip for --alpha/,
  );
  assert.throws(() => spec({ weights: "w", vocab: "v", config: "c.json" }), /--config/);
  assert.throws(() => spec({ weights: "w" }), /Expected a value \(required\) for --vocab/);
});

test("other families refuse the RegionCLIP-only flags", () => {
  assert.throws(
    () =>
      modelSpecFromFlags({ model: "owlvit", weights: "w", config: "c", vocab: "v", "rpn-weights": "r.pth" }),
    /Expected no value with --model owlvit \(RegionCLIP only\) for --rpn-weights but received "r\.pth"/,
  );
  assert.throws(
    () => modelSpecFromFlags({ model: "slicvit", weights: "w", vocab: "v", "class-names": "n.txt" }),
    /--class-names/,
  );
});
