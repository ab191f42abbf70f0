/**
 * Parity of the whole public path — safetensors with HF names + config.json → our ONNX graphs →
 * onnxruntime-node → post-processing — against every `owlvit*` fixture folder (tolerances: fixture README).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { createOwlVitLocalizer } from "../../../src/models/owlvit/localizer.js";
import { postProcessObjectDetection } from "../../../src/models/owlvit/post-process-object-detection.js";
import { ClipTokenizer } from "../../../src/text/clip-tokenizer.js";
import { assertClose } from "../../support/assert-close.js";
import {
  fixturePreparedImage,
  owlVitCases,
  owlVitFixtureFolders,
  readF32,
  readI32,
  writeOwlVitCheckpoint,
} from "./support/owlvit-fixture.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-owlvit-"));
after(() => rmSync(work, { recursive: true, force: true }));
const runtime = { provider: "cpu" as const, cacheDir: join(work, "cache") };

test("at least the owlvit fixture folder is found", () => {
  assert.ok(owlVitFixtureFolders().includes("owlvit"));
});

for (const folder of owlVitFixtureFolders()) {
  test(`${folder}: embeddings, logits, boxes and the hf post-processing match the reference`, async () => {
    const cases = owlVitCases(folder);
    const dir = mkdtempSync(join(work, `${folder}-`));
    const files = writeOwlVitCheckpoint(folder, dir);
    const tokenizer = await ClipTokenizer.fromFile(files.vocab);
    const tokens = tokenizer.encodePadded(cases.queries, { length: 16, padId: 0 });
    assert.deepEqual(tokens.ids, readI32(folder, "input_ids.i32"), "input_ids");
    assert.deepEqual(tokens.attentionMask, readI32(folder, "attention_mask.i32"), "attention_mask");

    const owl = await createOwlVitLocalizer(
      files,
      { mode: "hf", scoreThreshold: cases.post_process.threshold },
      runtime,
    );
    try {
      assert.deepEqual(owl.prepareSpec, { width: 768, height: 768 });
      const image = fixturePreparedImage(folder);
      const encoding = await owl.encodeImage(image, { withImageEmbeds: true });
      assertClose(encoding.imageEmbeds!, readF32(folder, "image_embeds.f32"), { atol: 1e-4 }, "image_embeds");
      assertClose(encoding.classEmbeds, readF32(folder, "class_embeds.f32"), { atol: 1e-5 }, "class_embeds");
      assertClose(encoding.logitShift, readF32(folder, "logit_shift.f32"), { atol: 1e-4 }, "logit_shift");
      assertClose(encoding.logitScale, readF32(folder, "logit_scale.f32"), { atol: 1e-4 }, "logit_scale");
      assertClose(encoding.predBoxes, readF32(folder, "pred_boxes.f32"), { atol: 1e-5 }, "pred_boxes");

      const text = await owl.encodeQueries(cases.queries);
      assertClose(
        text.textEmbeds,
        readF32(folder, "text_embeds_unnormalized.f32"),
        { atol: 1e-5 },
        "text_embeds (raw)",
      );
      assertClose(text.queryEmbeds, readF32(folder, "text_embeds.f32"), { atol: 1e-5 }, "text_embeds (unit)");

      const detections = await owl.detect(image, cases.queries);
      // 1e-4 per the README; patch 94's top-2 gap is 7.2e-5, so the label check below is the sharper test.
      assertClose(detections.logits, readF32(folder, "logits.f32"), { atol: 1e-4 }, "logits");

      // HF's joint post-processing (every patch to its argmax query) on our detections: exact kept set and labels.
      const joint = postProcessObjectDetection(detections, cases.post_process.threshold, image.sourceSize);
      assert.deepEqual(joint.patchIndices, [...readI32(folder, "post_patch_index.i32")], "kept patches");
      assert.deepEqual(joint.labels, [...readI32(folder, "post_labels.i32")], "labels");
      assertClose(joint.scores, readF32(folder, "post_scores.f32"), { atol: 1e-5 }, "scores");
      assertClose(joint.boxes.flat(), readF32(folder, "post_boxes.f32"), { atol: 1e-2 }, "boxes");

      // `localize` post-processes each query alone (HF asked that one query): its kept set is every patch whose
      // own fixture logit passes the threshold, and it includes every patch the joint call labelled with it.
      const localizations = await owl.localize(image, cases.queries);
      const referenceLogits = readF32(folder, "logits.f32");
      const nq = cases.queries.length;
      for (const [q, loc] of localizations.entries()) {
        let expected = 0;
        for (let p = 0; p < referenceLogits.length / nq; p++) {
          if (1 / (1 + Math.exp(-referenceLogits[p * nq + q])) > cases.post_process.threshold) expected++;
        }
        assert.equal(loc.boxes.length, expected, `query ${q}: kept count`);
        const jointBoxes = joint.boxes.filter((_, i) => joint.labels[i] === q);
        for (const box of jointBoxes) assert.ok(loc.boxes.some((b) => b.every((v, k) => v === box[k])));
        assert.equal(loc.confidence, Math.max(...loc.scores));
        // The runner groups an image's samples into one call: a query's result must not depend on the others.
        assert.deepEqual(await owl.localize(image, [cases.queries[q]]), [loc], `query ${q} alone`);
      }
    } finally {
      await owl.dispose();
    }
  });
}

test("grit mode on the fixture: at most maxBoxes per query, best first, confidence = mean kept score", async () => {
  const files = writeOwlVitCheckpoint("owlvit", mkdtempSync(join(work, "grit-")));
  const owl = await createOwlVitLocalizer(files, { maxBoxes: 3 }, runtime);
  try {
    const queries = owlVitCases("owlvit").queries;
    const results = await owl.localize(fixturePreparedImage("owlvit"), queries);
    assert.equal(results.length, queries.length);
    for (const r of results) {
      assert.ok(r.boxes.length >= 1 && r.boxes.length <= 3);
      assert.deepEqual(
        [...r.scores],
        [...r.scores].sort((a, b) => b - a),
      );
      const mean = r.scores.reduce((a, s) => a + s, 0) / r.scores.length;
      assert.ok(Math.abs(r.confidence - mean) < 1e-12);
      for (const [x1, y1, x2, y2] of r.boxes)
        assert.ok(0 <= x1 && x1 < x2 && x2 <= 600 && 0 <= y1 && y1 < y2 && y2 <= 400);
    }
  } finally {
    await owl.dispose();
  }
});

test("graphs are cached per weights; optionsHash covers weights and options; queries are cached", async () => {
  const files = writeOwlVitCheckpoint("owlvit", mkdtempSync(join(work, "hash-")));
  const cacheDir = join(work, "hash-cache");
  const a = await createOwlVitLocalizer(files, {}, { ...runtime, cacheDir });
  const graphs = readdirSync(join(cacheDir, "graphs")).sort();
  assert.equal(graphs.filter((f) => f.endsWith(".onnx")).length, 2, "image + text graphs");
  const b = await createOwlVitLocalizer(files, {}, { ...runtime, cacheDir });
  const c = await createOwlVitLocalizer(files, { maxBoxes: 2 }, { ...runtime, cacheDir });
  try {
    assert.deepEqual(
      readdirSync(join(cacheDir, "graphs")).sort(),
      graphs,
      "second localizer reuses the graphs",
    );
    assert.equal(a.info.optionsHash, b.info.optionsHash);
    assert.notEqual(a.info.optionsHash, c.info.optionsHash);
    assert.equal(a.info.family, "owlvit");
    assert.equal(a.info.provider, "cpu");
    assert.ok(Math.abs(a.info.paramsInMillions - 3.5) < 0.5, `paramsInMillions ${a.info.paramsInMillions}`);
    // The same query twice in one call, and again later: identical rows.
    const image = fixturePreparedImage("owlvit");
    const d1 = await a.detect(image, ["spoon.", "a cup of coffee", "spoon."]);
    const d2 = await a.detect(image, ["spoon."]);
    for (let p = 0; p < d1.patches; p++) {
      assert.equal(d1.logits[p * 3], d1.logits[p * 3 + 2]);
      assert.equal(d1.logits[p * 3], d2.logits[p]);
    }
  } finally {
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  }
  await assert.rejects(
    a.localize(fixturePreparedImage("owlvit"), ["x"]),
    (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && /disposed/.test(e.message),
  );
});

test("an image not resized to the model's size is refused with the expected size", async () => {
  const files = writeOwlVitCheckpoint("owlvit", mkdtempSync(join(work, "size-")));
  const owl = await createOwlVitLocalizer(files, {}, runtime);
  try {
    const image = {
      sourceSize: { width: 8, height: 8 },
      resized: { width: 8, height: 8, data: new Uint8Array(192) },
      labelMaps: [],
    };
    await assert.rejects(
      owl.localize(image, ["cat"]),
      (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && /768×768/.test(e.message),
    );
    assert.deepEqual(await owl.localize(image, []), []);
  } finally {
    await owl.dispose();
  }
});

test("fp16 graphs (what CUDA runs) agree with the float32 reference at fp16 precision", async () => {
  // Run on the CPU provider here (no GPU in CI); ORT executes the fp16 graph with the same node list.
  const files = writeOwlVitCheckpoint("owlvit", mkdtempSync(join(work, "fp16-")));
  const owl = await createOwlVitLocalizer(files, { mode: "hf" }, { ...runtime, precision: "fp16" });
  try {
    const queries = owlVitCases("owlvit").queries;
    const d = await owl.detect(fixturePreparedImage("owlvit"), queries);
    // Tolerances: fp16 activations carry ~3 significant digits; logits reach 7.8, boxes are in [0, 1].
    assertClose(d.logits, readF32("owlvit", "logits.f32"), { atol: 3e-2 }, "logits (fp16)");
    assertClose(d.predBoxes, readF32("owlvit", "pred_boxes.f32"), { atol: 1e-3 }, "pred_boxes (fp16)");
  } finally {
    await owl.dispose();
  }
});
