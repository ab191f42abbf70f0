/**
 * RPN post-processing against the reference fixtures, tier A (each stage fed the fixture's stored input):
 * per-level top-1000 from the stored full objectness maps (exact), anchors + Box2BoxTransform decoding of the
 * stored deltas vs `rpn.topk.box` (≤ 2 ulp of the box's largest coordinate: torch's float32 `exp` is within 1 ulp),
 * and find_top_rpn_proposals from `rpn.topk.*` vs `rpn.proposals` / `rpn.proposal_logits` (bit-exact).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AnchorLevel, rpnAnchorLevels, writeAnchor } from "../../../src/models/regionclip/anchors.js";
import {
  applyDeltas,
  type ProposalCandidates,
  SCALE_CLAMP,
  selectProposals,
  selectTopCandidates,
  topKDescending,
} from "../../../src/models/regionclip/proposals.js";
import { type RegionClipRun, RunTensors, regionClipRuns } from "./support/fixture-runs.js";

const baseRuns = regionClipRuns().filter((r) => r.kind === "base");

function levelsOf(run: RegionClipRun): AnchorLevel[] {
  return rpnAnchorLevels(run.rpn_levels.map((l) => ({ height: l.hw[0], width: l.hw[1] })));
}

/** The stored candidates of one level: indices, logits and decoded boxes of `rpn.topk.*`. */
function storedLevel(t: RunTensors, level: number) {
  const levels = t.i32("rpn.topk.level");
  const rows = [...levels.keys()].filter((i) => levels[i] === level);
  const index = t.i32("rpn.topk.index");
  const logit = t.f32("rpn.topk.logit");
  const box = t.f32("rpn.topk.box");
  return {
    rows,
    index: Int32Array.from(rows, (r) => index[r]),
    logit: Float32Array.from(rows, (r) => logit[r]),
    box: Float32Array.from(rows.flatMap((r) => [...box.subarray(4 * r, 4 * r + 4)])),
  };
}

/** Units in the last place of a float32 value. */
function ulp(x: number): number {
  const a = Math.fround(Math.abs(x));
  if (a === 0) return 2 ** -149;
  const exponent = Math.floor(Math.log2(a));
  return 2 ** (Math.max(exponent, -126) - 23);
}

for (const run of baseRuns) {
  test(`${run.id}: per-level top-1000 of the stored full objectness maps (p4–p6) equals rpn.topk exactly`, () => {
    const t = new RunTensors(run);
    const levels = levelsOf(run);
    for (const l of [2, 3, 4]) {
      const stored = storedLevel(t, l);
      const single = selectTopCandidates(
        [levels[l]],
        [{ objectness: t.f32(`rpn.objectness.${l}`), deltas: deltasOrZero(t, l, levels[l]) }],
      );
      assert.deepEqual([...single.anchorIndices], [...stored.index], `level ${l} indices`);
      assert.deepEqual([...single.logits], [...stored.logit], `level ${l} logits`);
    }
    t.close();
  });

  test(`${run.id}: anchors + decoding of the stored deltas equal rpn.topk.box within 2 ulp`, () => {
    const t = new RunTensors(run);
    const levels = levelsOf(run);
    let checked = 0;
    let exact = 0;
    const anchor = new Float32Array(4);
    const box = new Float32Array(4);
    for (const [l, level] of levels.entries()) {
      const full = t.has(`rpn.deltas.${l}`);
      const deltas = t.f32(full ? `rpn.deltas.${l}` : `rpn.deltas.${l}.rows0_4`);
      const rows = full ? level.height : 4;
      const plane = rows * level.width;
      const stored = storedLevel(t, l);
      for (const [k, index] of stored.index.entries()) {
        const a = index % 3;
        const p = (index - a) / 3;
        if (p >= plane) continue; // outside the stored rows
        const d = 4 * a * plane + p;
        writeAnchor(level, index, anchor, 0);
        applyDeltas(
          anchor,
          0,
          deltas[d],
          deltas[d + plane],
          deltas[d + 2 * plane],
          deltas[d + 3 * plane],
          box,
          0,
        );
        const expected = stored.box.subarray(4 * k, 4 * k + 4);
        const limit = 2 * ulp(Math.max(...expected.map(Math.abs)));
        for (let c = 0; c < 4; c++) {
          assert.ok(
            Math.abs(box[c] - expected[c]) <= limit,
            `level ${l} anchor ${index} coordinate ${c}: ${box[c]} vs ${expected[c]} (limit ${limit})`,
          );
        }
        if (box.every((v, c) => v === expected[c])) exact++;
        checked++;
      }
    }
    // Levels p5/p6 are stored in full, so at least their 1000 + all candidates are checked.
    assert.ok(checked >= 1000, `checked ${checked} boxes`);
    assert.ok(exact / checked > 0.9, `${exact} of ${checked} boxes bit-exact`);
    t.close();
  });

  test(`${run.id}: find_top_rpn_proposals from rpn.topk.* equals rpn.proposals and their logits bit for bit`, () => {
    const t = new RunTensors(run);
    const candidates: ProposalCandidates = {
      boxes: t.f32("rpn.topk.box"),
      logits: t.f32("rpn.topk.logit"),
      levels: t.i32("rpn.topk.level"),
      anchorIndices: t.i32("rpn.topk.index"),
    };
    const out = selectProposals(candidates, { width: run.resized_hw[1], height: run.resized_hw[0] });
    assert.equal(out.objectnessLogits.length, run.num_proposals);
    assert.deepEqual([...out.boxes], [...t.f32("rpn.proposals")]);
    assert.deepEqual([...out.objectnessLogits], [...t.f32("rpn.proposal_logits")]);
    const rows = t.i32("rpn.proposal_topk_row");
    assert.deepEqual(
      [...out.levels],
      [...rows].map((r) => candidates.levels[r]),
    );
    assert.deepEqual(
      [...out.anchorIndices],
      [...rows].map((r) => candidates.anchorIndices[r]),
    );
    t.close();
  });
}

/** The stored full deltas of a level, or zeros where only rows were stored (indices and logits do not need them). */
function deltasOrZero(t: RunTensors, l: number, level: AnchorLevel): Float32Array {
  return t.has(`rpn.deltas.${l}`)
    ? t.f32(`rpn.deltas.${l}`)
    : new Float32Array(12 * level.height * level.width);
}

test("topKDescending is a stable descending sort cut at k, NaN first (torch's order)", () => {
  const v = Float32Array.of(1, 3, Number.NaN, 3, 2, 3, -1);
  assert.deepEqual([...topKDescending(v, 3)], [2, 1, 3]);
  assert.deepEqual([...topKDescending(v, 5)], [2, 1, 3, 5, 4]);
  assert.deepEqual([...topKDescending(v, 7)], [2, 1, 3, 5, 4, 0, 6]);
  assert.deepEqual([...topKDescending(Float32Array.of(0, -0, 0), 2)], [0, 1]);
});

test("applyDeltas clamps dw and dh at log(1000/16) and is the identity for zero deltas", () => {
  const anchor = Float32Array.of(-22.627417, -11.313708, 22.627417, 11.313708);
  const out = new Float32Array(4);
  applyDeltas(anchor, 0, 0, 0, 0, 0, out, 0);
  assert.deepEqual([...out], [...anchor]);
  applyDeltas(Float32Array.of(0, 0, 16, 16), 0, 0, 0, 100, 100, out, 0);
  // exp(log(62.5)) · 16 = 1000, centred at 8.
  assert.ok(Math.abs(out[2] - out[0] - 1000) < 1e-3, `${out[2] - out[0]}`);
  assert.equal(SCALE_CLAMP, Math.fround(Math.log(62.5)));
});

test("selectProposals drops non-finite and empty boxes, clips to the image, and keeps the top n after NMS per level", () => {
  const candidates: ProposalCandidates = {
    // 0: inside; 1: NaN logit; 2: empty after clipping (left of the image); 3: duplicate of 0 on level 0;
    // 4: the same box on another level (kept: NMS is per level); 5: infinite coordinate; 6: clipped.
    boxes: Float32Array.of(
      ...[10, 10, 50, 50],
      ...[0, 0, 5, 5],
      ...[-20, 0, -5, 30],
      ...[10, 10, 50, 51],
      ...[10, 10, 50, 50],
      ...[0, 0, Number.POSITIVE_INFINITY, 5],
      ...[90, -10, 120, 40],
    ),
    logits: Float32Array.of(5, Number.NaN, 4, 3, 2, 1, 0.5),
    levels: Int32Array.of(0, 0, 0, 0, 1, 1, 1),
    anchorIndices: Int32Array.of(10, 11, 12, 13, 14, 15, 16),
  };
  const out = selectProposals(candidates, { width: 100, height: 80 });
  assert.deepEqual([...out.anchorIndices], [10, 14, 16]);
  assert.deepEqual([...out.boxes.subarray(8)], [90, 0, 100, 40]);
  assert.deepEqual([...out.levels], [0, 1, 1]);
  const top2 = selectProposals(candidates, { width: 100, height: 80 }, { postNmsTopK: 2 });
  assert.deepEqual([...top2.anchorIndices], [10, 14]);
});
