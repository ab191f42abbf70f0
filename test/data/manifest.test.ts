import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadGritManifest, parseGritManifest } from "../../src/data/grit-manifest.js";
import { loadModelsManifest, parseModelsManifest } from "../../src/data/models-manifest.js";
import { isGritlocError } from "../../src/errors.js";

test("the bundled GRIT manifest is valid and points at the published sources", async () => {
  const m = await loadGritManifest();
  assert.equal(
    m.sources.samples.url,
    "https://ai2-prior-grit.s3.us-west-2.amazonaws.com/public/grit_data.zip",
  );
  assert.equal(m.sources.distortions.format, "tar.gz");
  assert.equal(m.sources.coco.imageUrl, "http://images.cocodataset.org/test2015/{file}");
  assert.equal(m.sources.coco.archive.url, "http://images.cocodataset.org/zips/test2015.zip");
  assert.equal(m.sources.nyuv2.dataset, "images");
  assert.equal(m.sources.open_images.imageUrl, "https://open-images-dataset.s3.amazonaws.com/test/{file}");
});

test("the bundled GRIT manifest names the Open Images annotation files with their published sizes and md5", async () => {
  const gt = (await loadGritManifest()).groundTruth?.open_images;
  assert.deepEqual(gt?.boxes, {
    url: "https://storage.googleapis.com/openimages/v5/test-annotations-bbox.csv",
    size: 77484237,
    sha256: null,
    md5: "1cc058a7003b4e73d47642276e9b123b",
  });
  assert.deepEqual([gt?.classes.size, gt?.classes.md5], [12011, "9846fd22fd2e68b45e3f3810a4c2a32a"]);
  assert.deepEqual(
    [gt?.imageLabels.size, gt?.imageLabels.md5],
    [32055857, "207ed0ce2755ad5a689c8eb6eeb039bf"],
  );
  assert.equal(
    gt?.hierarchy.url,
    "https://storage.googleapis.com/openimages/2018_04/bbox_labels_600_hierarchy.json",
  );
  assert.equal(gt?.hierarchy.size, null);
});

test("a groundTruth section is optional, and checked when present", async () => {
  const base = await loadGritManifest();
  const { groundTruth: _, ...withoutGt } = base;
  assert.equal(parseGritManifest(withoutGt, "old.json").groundTruth, undefined);
  const broken = {
    ...withoutGt,
    groundTruth: { open_images: { boxes: { url: "https://x/b.csv", size: 1, sha256: null, md5: "ABC" } } },
  };
  assert.throws(
    () => parseGritManifest(broken, "m.json"),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_MANIFEST_INVALID"));
      assert.match(
        error.message,
        /groundTruth\.open_images\.boxes\.md5: expected 32 lower-case hex digits or null, got "ABC"/,
      );
      assert.match(error.message, /groundTruth\.open_images\.classes: expected an object, got nothing/);
      return true;
    },
  );
});

test("an invalid GRIT manifest lists every problem with its JSON path", () => {
  const bad = {
    schemaVersion: 2,
    kind: "grit-data",
    sources: {
      samples: { url: "ftp://x/grit_data.zip", format: "rar", size: -5, sha256: "XYZ" },
      distortions: { url: "https://x/d.tar.gz", format: "tar.gz", size: null, sha256: null },
      coco: {
        imagePrefix: "/abs/",
        imageUrl: "http://x/test2015/",
        archive: {
          url: "http://x/z.zip",
          format: "zip",
          memberPrefix: "test2015/",
          size: null,
          sha256: null,
        },
      },
      nyuv2: { url: "http://x/n.mat", imagePrefix: "nyuv2/", size: 1.5, sha256: null },
    },
  };
  assert.throws(
    () => parseGritManifest(bad, "mirror.json"),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_MANIFEST_INVALID"));
      assert.deepEqual(error.details, [
        "schemaVersion: expected 1, got 2 of type number",
        "sources.open_images: expected an object, got nothing (the key is missing)",
        'sources.samples.url: expected an absolute http:// or https:// URL, got "ftp://x/grit_data.zip"',
        "sources.samples.size: expected a size in bytes (integer ≥ 0) or null when not yet recorded, got -5 of type number",
        'sources.samples.sha256: expected 64 lower-case hex digits or null when not yet recorded, got "XYZ"',
        'sources.samples.format: expected "zip" or "tar.gz", got "rar"',
        'sources.coco.imagePrefix: expected a relative folder ending in "/" without "..", got "/abs/"',
        'sources.coco.imageUrl: expected a URL template containing {file}, got "http://x/test2015/"',
        "sources.nyuv2.size: expected a size in bytes (integer ≥ 0) or null when not yet recorded, got 1.5 of type number",
        "sources.nyuv2.dataset: expected a non-empty string, got nothing (the key is missing)",
        "sources.open_images.imagePrefix: expected a non-empty string, got nothing (the key is missing)",
        "sources.open_images.imageUrl: expected a non-empty string, got nothing (the key is missing)",
      ]);
      assert.match(
        error.message,
        /^mirror\.json is not a valid manifest \(12 problems\):\n {2}- schemaVersion/,
      );
      assert.match(error.message, /Fix the file, or start from a copy of the one in data-manifests\/\.$/);
      return true;
    },
  );
});

test("an invalid models manifest names the model, role and field", () => {
  const bad = {
    schemaVersion: 1,
    kind: "models",
    models: {
      "ViT-L/14": { family: "clip", files: {} },
      good: {
        family: "",
        files: { weights: { fileName: "../escape", url: "https://x/w", size: null, sha256: null } },
      },
    },
  };
  assert.throws(
    () => parseModelsManifest(bad, "models.json"),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_MANIFEST_INVALID"));
      assert.deepEqual(error.details, [
        "models.ViT-L/14: a model name must be a plain folder name (letters, digits, . _ -)",
        "models.ViT-L/14.files: expected at least one file",
        'models.good.files.weights.fileName: expected a plain file name (letters, digits, . _ -), got "../escape"',
        'models.good.family: expected a non-empty string, got ""',
      ]);
      return true;
    },
  );
});

test("a manifest file that is missing or not JSON gets a clear error", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-manifest-"));
  try {
    await assert.rejects(loadGritManifest(join(dir, "nope.json")), (error: unknown) => {
      assert.ok(isGritlocError(error, "E_NOT_FOUND"));
      assert.match(error.message, /manifest not found: .*nope\.json\. Check the --manifest path\./);
      return true;
    });
    await writeFile(join(dir, "broken.json"), "{ not json");
    await assert.rejects(loadModelsManifest(join(dir, "broken.json")), (error: unknown) => {
      assert.ok(isGritlocError(error, "E_MANIFEST_INVALID"));
      assert.match(error.message, /broken\.json is not valid JSON: /);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
