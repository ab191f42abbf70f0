import assert from "node:assert/strict";
import { test } from "node:test";
import type { BoxXyxy } from "../../src/grit/box.js";
import { computeIou } from "../../src/grit/iou.js";
import { assignBoxes, locMetric } from "../../src/grit/loc-metric.js";
import { readFixtureJson } from "../support/fixtures.js";

interface LocCase {
  id: string;
  category: string;
  pred_boxes: BoxXyxy[];
  gt_boxes: BoxXyxy[];
  expected: number;
  num_detected: number;
  matched_iou_sum: number;
}
interface IouCase {
  category: string;
  bbox1: BoxXyxy;
  bbox2: BoxXyxy;
  iou: number;
}

// Fixture: grit/cases.json (upstream metrics/localization.py). Tolerance: abs 1e-12 (README).
const cases = readFixtureJson<{ loc_metric: LocCase[]; compute_iou: IouCase[] }>("grit", "cases.json");

test("locMetric matches all 300 upstream loc_metric cases within 1e-12", () => {
  assert.equal(cases.loc_metric.length, 300);
  for (const c of cases.loc_metric) {
    const actual = locMetric(c.pred_boxes, c.gt_boxes);
    assert.ok(
      Math.abs(actual - c.expected) <= 1e-12,
      `${c.id} (${c.category}): got ${actual}, expected ${c.expected}`,
    );
  }
});

test("assignBoxes finds as many IoU>0 pairs as upstream, with the same IoU sum", () => {
  for (const c of cases.loc_metric) {
    const { pairs, ious } = assignBoxes(c.pred_boxes, c.gt_boxes);
    assert.equal(pairs.length, c.num_detected, c.id);
    const sum = ious.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - c.matched_iou_sum) <= 1e-12, `${c.id}: sum ${sum} vs ${c.matched_iou_sum}`);
  }
});

test("computeIou matches all 50 upstream compute_iou pairs within 1e-12", () => {
  assert.equal(cases.compute_iou.length, 50);
  for (const c of cases.compute_iou) {
    const actual = computeIou(c.bbox1, c.bbox2);
    assert.ok(Math.abs(actual - c.iou) <= 1e-12, `${c.category}: got ${actual}, expected ${c.iou}`);
  }
});

test("locMetric matches examples/loc_cases.json (hand-made predictions on the two GRIT examples)", () => {
  const examples = readFixtureJson<(LocCase & { name: string; example_id: string; iou_first: number })[]>(
    "grit",
    "examples",
    "loc_cases.json",
  );
  assert.equal(examples.length, 20);
  for (const c of examples) {
    const actual = locMetric(c.pred_boxes, c.gt_boxes);
    assert.ok(
      Math.abs(actual - c.expected) <= 1e-12,
      `${c.example_id} ${c.name}: ${actual} vs ${c.expected}`,
    );
    if (c.pred_boxes.length > 0) {
      const iou = computeIou(c.pred_boxes[0], c.gt_boxes[0]);
      assert.ok(Math.abs(iou - c.iou_first) <= 1e-12, `${c.name}: first IoU ${iou} vs ${c.iou_first}`);
    }
  }
});

test("locMetric edge cases: both empty → 1, one empty → 0, extra boxes cost, IoU-0 pairs are dropped", () => {
  assert.equal(locMetric([], []), 1);
  assert.equal(locMetric([[0, 0, 1, 1]], []), 0);
  assert.equal(locMetric([], [[0, 0, 1, 1]]), 0);
  // Identical box plus a disjoint extra prediction: IoU/(2 + 0).
  const iou = computeIou([0, 0, 10, 10], [0, 0, 10, 10]);
  assert.equal(
    locMetric(
      [
        [0, 0, 10, 10],
        [50, 50, 60, 60],
      ],
      [[0, 0, 10, 10]],
    ),
    iou / 2,
  );
  // Disjoint only: the assigned pair has IoU 0 and is dropped, so the gt counts as missed: 0 / (1 + 1).
  assert.equal(locMetric([[50, 50, 60, 60]], [[0, 0, 10, 10]]), 0);
  // A degenerate prediction never matches but still counts as a prediction.
  assert.equal(
    locMetric(
      [
        [0, 0, 10, 10],
        [5, 5, 5, 9],
      ],
      [[0, 0, 10, 10]],
    ),
    iou / 2,
  );
});
