import assert from "node:assert/strict";
import { test } from "node:test";
import { regionClipSpecFiles } from "../../../src/models/regionclip/model-spec.js";
import { REGIONCLIP_DEFAULTS, resolveRegionClipOptions } from "../../../src/models/regionclip/options.js";

test("defaults are the zero-shot LVIS config's (threshold 0.02, NMS 0.5, 300 detections, RPN 0.9/1000/1000) and grit mode's (score 0.5, 10 boxes, fallback)", () => {
  assert.deepEqual(resolveRegionClipOptions(), {
    mode: "grit",
    scoreThreshold: 0.02,
    nmsIouThreshold: 0.5,
    detectionsPerImage: 300,
    rpnNmsIouThreshold: 0.9,
    rpnPreNmsTopK: 1000,
    proposals: 1000,
    roiChunkSize: 100,
    minScore: 0.5,
    maxBoxes: 10,
    fallbackToBest: true,
    textHeads: null,
  });
  assert.ok(Object.isFrozen(REGIONCLIP_DEFAULTS));
  const set = resolveRegionClipOptions({
    mode: "reference",
    proposals: 300,
    maxBoxes: 5,
    scoreThreshold: undefined,
  });
  assert.equal(set.mode, "reference");
  assert.equal(set.proposals, 300);
  assert.equal(set.maxBoxes, 5);
  assert.equal(set.scoreThreshold, 0.02, "undefined counts as unset");
});

test("bad options are E_INVALID_OPTION naming the option", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ mode: "hf" }, /"grit" or "reference" for mode/],
    [{ scoreThreshold: 1.5 }, /a number in \[0, 1\] for scoreThreshold/],
    [{ nmsIouThreshold: 0 }, /a number in \(0, 1\] for nmsIouThreshold/],
    [{ proposals: 0 }, /a positive integer for proposals/],
    [{ roiChunkSize: 2.5 }, /a positive integer for roiChunkSize/],
    [{ maxBoxes: "3" }, /a positive integer for maxBoxes/],
    [{ maxBoxes: null }, /a positive integer for maxBoxes/],
    [{ minScore: -0.1 }, /a number ≥ 0 for minScore/],
    [{ fallbackToBest: "yes" }, /a boolean for fallbackToBest/],
    [{ textHeads: 0 }, /a positive integer for textHeads/],
    [{ alpha: 0.5 }, /one of mode, .* for options\.alpha/],
  ];
  for (const [options, pattern] of cases) {
    assert.throws(
      () => resolveRegionClipOptions(options),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "E_INVALID_OPTION");
        assert.match(e.message, pattern);
        return true;
      },
    );
  }
});

test("a spec's files are checked paths, and its name defaults to the fetched model's folder", () => {
  assert.deepEqual(
    regionClipSpecFiles({
      family: "regionclip",
      weights: "/cache/models/regionclip-rn50x4/regionclip_pretrained-cc_rn50x4.pth",
      rpnWeights: "/cache/models/regionclip-rn50x4/rpn_lvis_866.pth",
      vocab: "bpe.txt.gz",
    }),
    {
      weights: "/cache/models/regionclip-rn50x4/regionclip_pretrained-cc_rn50x4.pth",
      rpnWeights: "/cache/models/regionclip-rn50x4/rpn_lvis_866.pth",
      vocab: "bpe.txt.gz",
      name: "regionclip-rn50x4",
    },
  );
  assert.equal(
    regionClipSpecFiles({ family: "regionclip", weights: "w.pth", vocab: "v", name: "x" }).name,
    "x",
  );
  assert.equal(
    regionClipSpecFiles({ family: "regionclip", weights: "w.pth", vocab: "v" }).name,
    "regionclip",
  );
  assert.throws(
    () => regionClipSpecFiles({ family: "regionclip", weights: "w.pth", vocab: "v", classNames: "" }),
    /Expected a file path for spec\.classNames/,
  );
  assert.throws(
    () => regionClipSpecFiles({ family: "regionclip", vocab: "v" } as never),
    /Expected a file path for spec\.weights/,
  );
});
