import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { unzipSync } from "fflate";
import { mergeRun } from "../../src/run/merge-run.js";
import { createRunFixture, type RunFixture } from "./support/run-fixture.js";
import { startTestWorker } from "./support/start-test-worker.js";

const fixtures: RunFixture[] = [];
async function fixture(samples: number, perImage = 1): Promise<RunFixture> {
  const f = await createRunFixture({ samples, perImage });
  fixtures.push(f);
  return f;
}
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

test("merge writes one prediction per sample in the samples' order, even when the plan grouped them", async () => {
  const f = await fixture(9, 1);
  // Interleave images so the plan order (by image) differs from the samples order.
  const samples = f.samples.map((s, i) => ({ ...s, imageId: f.samples[i % 3].imageId }));
  await writeFile(
    f.samplesPath,
    JSON.stringify(
      samples.map((s) => ({
        example_id: s.exampleId,
        image_id: s.imageId,
        task_name: "localization",
        task_query: s.taskQuery,
        task_bbox: null,
        output_options: null,
      })),
    ),
  );
  await startTestWorker(f, { samples }).done;
  const out = join(f.root, "out", "localization.json");
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath, out });
  assert.equal(merged.out, out);
  const written = JSON.parse(await readFile(out, "utf8")) as {
    example_id: string;
    confidence: number;
    bboxes: number[][];
  }[];
  assert.deepEqual(
    written.map((e) => e.example_id),
    samples.map((s) => s.exampleId),
  );
  assert.ok(written.every((e) => e.bboxes.length === 1 && e.confidence >= 0 && e.confidence <= 1));
  assert.deepEqual(written[4], {
    example_id: merged.entries[4].exampleId,
    confidence: merged.entries[4].confidence,
    bboxes: merged.entries[4].bboxes,
  });
});

test("merge is idempotent: merging twice gives identical bytes", async () => {
  const f = await fixture(10, 2);
  await startTestWorker(f, { end: "tail" }).done;
  const a = join(f.root, "a.json");
  const b = join(f.root, "b.json");
  await mergeRun({ run: f.runDir, samples: f.samplesPath, out: a });
  await mergeRun({ run: f.runDir, samples: f.samplesPath, out: b });
  assert.equal(await readFile(a, "utf8"), await readFile(b, "utf8"));
});

test("an incomplete run fails with E_RUN_INCOMPLETE listing missing ids; allowPartial fills them with empty predictions", async () => {
  const f = await fixture(10, 1);
  await startTestWorker(f, { limit: 7 }).done;
  const out = join(f.root, "partial.json");
  await assert.rejects(
    mergeRun({ run: f.runDir, samples: f.samplesPath, out }),
    (error: Error & { code?: string; details?: unknown }) => {
      assert.equal(error.code, "E_RUN_INCOMPLETE");
      assert.match(error.message, /3 of 10 samples have no prediction: 3 never run \(coco_loc_test-reserve_/);
      assert.match(error.message, /or merge with --allow-partial/);
      assert.equal((error.details as { missing: string[] }).missing.length, 3);
      return true;
    },
  );
  await assert.rejects(readFile(out), { code: "ENOENT" }, "nothing written on failure");
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath, out, allowPartial: true });
  assert.equal(merged.predicted, 7);
  assert.deepEqual(
    merged.missing,
    f.samples.slice(7).map((s) => s.exampleId),
  );
  const written = JSON.parse(await readFile(out, "utf8")) as { confidence: number; bboxes: unknown[] }[];
  assert.equal(written.length, 10);
  assert.deepEqual(
    written.slice(7).map((e) => [e.confidence, e.bboxes.length]),
    [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  );
});

test("merge writes a leaderboard zip with the run's parameter count unless one is given", async () => {
  const f = await fixture(6, 2);
  await startTestWorker(f).done;
  const zipPath = join(f.root, "ablation.zip");
  const merged = await mergeRun({
    run: f.runDir,
    samples: f.samplesPath,
    zip: { out: zipPath, subset: "ablation" },
  });
  assert.equal(merged.zip, zipPath);
  const files = unzipSync(await readFile(zipPath));
  assert.deepEqual(Object.keys(files).sort(), ["ablation/localization.json", "ablation/params.json"]);
  assert.deepEqual(JSON.parse(Buffer.from(files["ablation/params.json"]).toString()), {
    params_in_millions: 1,
  });
  const entries = JSON.parse(Buffer.from(files["ablation/localization.json"]).toString()) as {
    example_id: string;
  }[];
  assert.deepEqual(
    entries.map((e) => e.example_id),
    f.samples.map((s) => s.exampleId),
  );
  await mergeRun({
    run: f.runDir,
    samples: f.samplesPath,
    zip: { out: zipPath, subset: "test", paramsInMillions: 428 },
  });
  assert.deepEqual(
    JSON.parse(Buffer.from(unzipSync(await readFile(zipPath))["test/params.json"]).toString()),
    {
      params_in_millions: 428,
    },
  );
});

test("merge of a folder that is not a run names the folder and the next step", async () => {
  const f = await fixture(2, 1);
  await assert.rejects(
    mergeRun({ run: f.runDir, samples: f.samplesPath }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "E_NOT_FOUND");
      assert.match(
        error.message,
        /run\.json does not exist: .* is not a run folder\. Start the run with `gritloc infer --run/,
      );
      return true;
    },
  );
  await assert.rejects(mergeRun({ run: "", samples: f.samplesPath }), /Expected a run folder path for run/);
});
