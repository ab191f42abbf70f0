/**
 * The embedded mini GRIT set: the same bytes for the same options (pinned digests of the pixels and the JSON
 * files, machine-independent by construction; a second build byte-identical), GRIT's extended samples format
 * with every official partition, ground truth that matches the drawn objects, and distorted twins made as
 * original + int16 delta through the data module's NumPy-uint8 `applyDistortionDelta`.
 * Fixture: grit/runs/run1_mixed/metrics.json (only its key naming for cgroup `any`).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { applyDistortionDelta } from "../../src/data/apply-delta.js";
import { buildMiniGrit, type MiniGrit, pixelsDigest } from "../../src/demo/build-mini-grit.js";
import { distortImage, MINI_DISTORTIONS, type MiniDistortion } from "../../src/demo/distort-image.js";
import { SeededRandom } from "../../src/demo/seeded-random.js";
import { loadLemma2Groups } from "../../src/grit/concept-groups.js";
import { evaluateLocalization, GRIT_PARTITIONS } from "../../src/grit/metric.js";
import { loadSamples } from "../../src/grit/samples.js";
import { decodeImage } from "../../src/vision/decode.js";
import { readFixtureJson } from "../support/fixtures.js";

// Digests of the default set (seed 0, 40 scenes), produced once by buildMiniGrit. They change only when the
// generator changes on purpose; then update them here and say so in the commit.
const PINNED = {
  pixels: "63f9bf858e557b0a80dc8a80f54a6a9fa16e610dbc3dc61dd260316601741ec5",
  samples: "4bd62357e0c26924835c533b30921e0c42d1d2d03d3d48dab7e805ea4db26466",
  lemma2groups: "1ee525aa38c102cfca6b3cb673c1ba1acbbae55b109d58cc573cd5f58503ce30",
};

let tmp: string;
let mini: MiniGrit;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "gritloc-mini-"));
  mini = await buildMiniGrit({ dir: join(tmp, "a") });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("the default set is pinned: pixel digest, samples and lemma2groups bytes; every PNG decodes to its pixels", async () => {
  assert.deepEqual(mini.counts, { scenes: 40, images: 52, samples: 71, distorted: 12, empty: 10 });
  assert.equal(mini.pixelsSha256, PINNED.pixels);
  assert.equal(sha256(await readFile(mini.samplesPath)), PINNED.samples);
  assert.equal(sha256(await readFile(mini.lemma2groupsPath)), PINNED.lemma2groups);
  const decoded = [];
  for (const image of mini.images) {
    const pixels = await decodeImage(join(mini.imagesDir, image.imageId));
    assert.equal(`${pixels.width}x${pixels.height}`, `${image.width}x${image.height}`, image.imageId);
    decoded.push({ ...image, pixelsSha256: sha256(pixels.data) });
  }
  assert.equal(pixelsDigest(decoded), PINNED.pixels);
  const imageIds = new Set(mini.samples.map((s) => s.imageId));
  assert.deepEqual([...imageIds].sort(), mini.images.map((i) => i.imageId).sort());
});

test("a second build is byte-identical, file for file, and the manifest's sha256 match the files", async () => {
  const second = await buildMiniGrit({ dir: join(tmp, "b") });
  const files = await listFiles(mini.root);
  assert.deepEqual(await listFiles(second.root), files);
  assert.equal(files.length, 52 + 3);
  const manifest = JSON.parse(await readFile(mini.manifestPath, "utf8")) as {
    files: { path: string; size: number; sha256: string }[];
  };
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const file of files) {
    const a = await readFile(join(mini.root, file));
    const b = await readFile(join(second.root, file));
    assert.ok(a.equals(b), `${file} differs between two builds`);
    if (file === "mini-grit.json") continue;
    assert.equal(listed.get(file)?.sha256, sha256(a), file);
    assert.equal(listed.get(file)?.size, a.byteLength, file);
  }
});

test("samples are GRIT's extended format and every official partition (and four concept groups) gets keys", async () => {
  const samples = await loadSamples(mini.samplesPath);
  assert.equal(samples.length, 71);
  const meta = samples.map((s) => s.meta!);
  assert.ok(meta.some((m) => m.isNewSource) && meta.some((m) => !m.isNewSource), "two sources");
  assert.ok(meta.some((m) => m.hasNewConcept) && meta.some((m) => !m.hasNewConcept), "seen and new concepts");
  assert.ok(
    samples.some((s) => s.groundTruth!.bboxes.length >= 3),
    "several instances in some",
  );
  assert.ok(
    samples.some((s) => s.groundTruth!.bboxes.length === 0),
    "none in others",
  );
  const ids = new Set(samples.map((s) => s.exampleId));
  for (const s of samples.filter((x) => x.meta!.isDistorted)) {
    assert.match(s.exampleId, /_dist$/);
    assert.ok(ids.has(s.exampleId.slice(0, -5)), `${s.exampleId} has its undistorted twin`);
    assert.ok(MINI_DISTORTIONS.includes(s.meta!.distortion as MiniDistortion), s.meta!.distortion ?? "null");
  }
  // Ground truth as predictions: every partition must exist, and scores are (almost) perfect.
  const metrics = evaluateLocalization({
    samples,
    predictions: samples.map((s) => ({
      exampleId: s.exampleId,
      confidence: 1,
      bboxes: s.groundTruth!.bboxes,
    })),
    lemma2groups: await loadLemma2Groups(mini.lemma2groupsPath),
    paramsInMillions: 1,
  });
  for (const partition of GRIT_PARTITIONS) {
    const mean = metrics[`acc.any.${partition}.loc.mean`];
    assert.equal(typeof mean, "number", `acc.any.${partition}.loc.mean`);
    if (partition === "deldist") assert.equal(mean, 0);
    else assert.ok(mean > 99.99, `${partition}: ${mean}`);
  }
  const fixture = readFixtureJson<Record<string, number>>("grit", "runs", "run1_mixed", "metrics.json");
  const anyKeys = (m: Record<string, number>) =>
    Object.keys(m)
      .filter((k) => /^\w+\.any\./.test(k))
      .sort();
  assert.deepEqual(anyKeys(metrics), anyKeys(fixture));
  const groups = Object.keys(metrics)
    .filter((k) => /^acc\.\w+\.agg\.loc\.mean$/.test(k) && !k.startsWith("acc.any."))
    .map((k) => k.split(".")[1])
    .sort();
  assert.deepEqual(groups, [
    "clothing_accessories",
    "household_objects",
    "sports_equipment",
    "transport_infrastructure",
  ]);
});

test("ground-truth boxes lie inside their image, do not overlap, and are as large as the drawn objects", () => {
  for (const s of mini.samples) {
    const { width, height } = s.meta!.imageSize!;
    const boxes = s.groundTruth!.bboxes;
    for (const [x1, y1, x2, y2] of boxes) {
      assert.ok(x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height, `${s.exampleId}: ${[x1, y1, x2, y2]}`);
      const side = Math.min(width, height);
      for (const extent of [x2 - x1, y2 - y1]) {
        assert.ok(extent >= 0.15 * side && extent <= 0.36 * side, `${s.exampleId}: extent ${extent}`);
      }
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        assert.ok(!overlap, `${s.exampleId}: boxes ${i} and ${j} overlap`);
      }
    }
  }
});

test("each distorted twin is its original plus an int16 delta applied with NumPy uint8 semantics", async () => {
  const byId = new Map(mini.samples.map((s) => [s.exampleId, s]));
  for (const twin of mini.samples.filter((s) => s.meta!.isDistorted)) {
    const original = await decodeImage(join(mini.imagesDir, byId.get(twin.exampleId.slice(0, -5))!.imageId));
    const written = await decodeImage(join(mini.imagesDir, twin.imageId));
    const index = Number(/_(\d{4})_dist$/.exec(twin.exampleId)![1]);
    const made = distortImage(
      original,
      twin.meta!.distortion as MiniDistortion,
      SeededRandom.derive(0, 3 * index + 2),
    );
    assert.equal(made.delta.dtype, "int16");
    assert.deepEqual(made.delta.shape, [original.height, original.width, 3]);
    assert.ok(
      Buffer.from(applyDistortionDelta(original, made.delta).data).equals(written.data),
      twin.exampleId,
    );
    assert.ok(
      !Buffer.from(written.data).equals(original.data),
      `${twin.exampleId} differs from its original`,
    );
  }
});

test("a shorter set is a prefix of the default one (scene i depends only on the seed and i)", async () => {
  const small = await buildMiniGrit({ dir: join(tmp, "small"), scenes: 12 });
  const undistorted = mini.samples.filter((s) => !s.meta!.isDistorted);
  const smallUndistorted = small.samples.filter((s) => !s.meta!.isDistorted);
  assert.deepEqual(smallUndistorted, undistorted.slice(0, smallUndistorted.length));
  const big = new Map(mini.images.map((i) => [i.imageId, i.pixelsSha256]));
  for (const image of small.images) assert.equal(image.pixelsSha256, big.get(image.imageId), image.imageId);
  const other = await buildMiniGrit({ dir: join(tmp, "seed1"), scenes: 8, seed: 1 });
  assert.notEqual(other.images[0].pixelsSha256, big.get(other.images[0].imageId));
});

test("bad options are rejected before anything is written, naming the option", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dir: "" }, /Expected a folder path for dir/],
    [{ dir: join(tmp, "x"), scenes: 7 }, /Expected an integer from 8 to 1000 for scenes but received 7/],
    [{ dir: join(tmp, "x"), scenes: 8.5 }, /for scenes but received 8.5/],
    [{ dir: join(tmp, "x"), seed: -1 }, /Expected an integer from 0 to 4294967295 for seed but received -1/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(buildMiniGrit(options as never), { code: "E_INVALID_OPTION", message });
  }
  await assert.rejects(readdir(join(tmp, "x")), { code: "ENOENT" });
});
