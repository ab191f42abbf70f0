import assert from "node:assert/strict";
import { test } from "node:test";
import { buildPlan, chunkSampleIndices, type PlanSample } from "../../src/run/plan.js";

const sample = (exampleId: string, imageId: string): PlanSample => ({ exampleId, imageId, taskQuery: "q" });

test("samples of one image form one group at the position of the image's first sample", () => {
  const samples = [sample("a", "1"), sample("b", "2"), sample("c", "1"), sample("d", "3"), sample("e", "2")];
  const plan = buildPlan(samples, { chunkSize: 100 });
  assert.deepEqual(
    plan.groups.map((g) => [g.imageId, g.sampleIndices]),
    [
      ["1", [0, 2]],
      ["2", [1, 4]],
      ["3", [3]],
    ],
  );
  assert.equal(plan.chunks.length, 1);
});

test("chunks hold whole groups, at least chunkSize samples each except the last, covering every sample once", () => {
  const samples: PlanSample[] = [];
  for (let i = 0; i < 23; i++) samples.push(sample(`s${i}`, `img${Math.floor(i / 3)}`)); // groups of 3
  const plan = buildPlan(samples, { chunkSize: 4 });
  const seen: number[] = [];
  for (const [k, chunk] of plan.chunks.entries()) {
    const indices = chunkSampleIndices(plan, chunk);
    if (k < plan.chunks.length - 1) assert.ok(indices.length >= 4, `chunk ${k} has ${indices.length}`);
    assert.equal(indices.length % 3 === 0 || k === plan.chunks.length - 1, true);
    seen.push(...indices);
  }
  assert.deepEqual(seen, [...Array(23).keys()]);
  assert.deepEqual(
    plan.chunks.map((c) => c.index),
    [...plan.chunks.keys()],
  );
});

test("an empty sample list gives an empty plan", () => {
  const plan = buildPlan([], { chunkSize: 8 });
  assert.equal(plan.groups.length, 0);
  assert.equal(plan.chunks.length, 0);
});
