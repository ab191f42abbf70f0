/**
 * `gritloc localize --model regionclip --option mode=reference --json` with the RegionCLIP file flags, for every
 * `regionclip*` fixture folder (a held-out set dropped in the same format is checked the same way): every GRIT
 * case of every image, boxes as sets (≤ 0.05 px) and confidence (≤ 1e-2), as the fixture README's tier B allows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import {
  regionClipCases,
  regionClipFixtureFolders,
  regionClipRuns,
} from "../models/regionclip/support/regionclip-fixture.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-cli-localize-regionclip-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every expected box has its own actual box within 0.05 px (order-free, one to one). */
function assertSameBoxSet(actual: number[][], expected: readonly (readonly number[])[], what: string): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} boxes, expected ${expected.length}`,
  );
  const used = new Set<number>();
  for (const box of expected) {
    const i = actual.findIndex((a, k) => !used.has(k) && a.every((v, c) => Math.abs(v - box[c]) <= 0.05));
    assert.ok(i >= 0, `${what}: no box within 0.05 px of [${box.join(", ")}]`);
    used.add(i);
  }
}

test("at least the regionclip fixture folder is found", () => {
  assert.ok(regionClipFixtureFolders().includes("regionclip"));
});

for (const folder of regionClipFixtureFolders()) {
  test(`gritloc localize --model regionclip --option mode=reference --json gives every GRIT case of ${folder}/`, async () => {
    const cases = regionClipCases(folder);
    const classNames = join(dir, `${folder}-names.txt`);
    writeFileSync(classNames, cases.vocabulary.map((v) => v.lvis_name).join("\n"));
    const heads = readFixtureJson<{ topology: { text: { heads: number } } }>(folder, "model.json").topology
      .text.heads;
    const queries = cases.grit_single_query.map((c) => c.query);
    for (const run of regionClipRuns(folder).filter((r) => r.base_run === undefined)) {
      const image = fixturePath(folder, run.image);
      const io = captureIo();
      const argv = [
        "localize",
        "--model",
        "regionclip",
        "--weights",
        fixturePath(folder, "regionclip.pth"),
        "--rpn-weights",
        fixturePath(folder, "rpn.pth"),
        "--class-embeddings",
        fixturePath(folder, "concept_emb.pth"),
        "--class-names",
        classNames,
        "--vocab",
        fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"),
        "--option",
        "mode=reference",
        // The fixture's tiny text tower has 2 heads of width 4, which the weights cannot tell.
        "--option",
        `textHeads=${heads}`,
        "--image",
        image,
        ...queries.flatMap((q) => ["--query", q]),
        "--json",
        "--provider",
        "cpu",
        "--cache-dir",
        join(dir, "cache"),
      ];
      const code = await main(argv, io);
      assert.equal(code, 0, io.err.join(""));
      const json = JSON.parse(io.out.join(""));
      assert.deepEqual([json.height, json.width], run.orig_hw);
      for (const [q, gritCase] of cases.grit_single_query.entries()) {
        const expected = gritCase.results.find((r) => r.image === run.id)!.grit_prediction;
        const what = `${folder}/${run.id} ${JSON.stringify(gritCase.query)}`;
        assert.equal(json.results[q].query, gritCase.query);
        assertSameBoxSet(json.results[q].bboxes, expected.bboxes, what);
        assert.ok(
          Math.abs(json.results[q].confidence - expected.confidence) <= 1e-2,
          `${what}: confidence ${json.results[q].confidence} vs ${expected.confidence}`,
        );
      }
    }
  });
}
