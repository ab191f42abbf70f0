import assert from "node:assert/strict";
import { test } from "node:test";
import { loadProxyManifest, parseProxyManifest } from "../../src/proxy/proxy-manifest.js";

test("the bundled proxy manifest: COCO val2017, Open Images validation, the 795-image NYUv2 train split", async () => {
  const m = await loadProxyManifest();
  assert.equal(m.sources.coco.annotations.member, "annotations/instances_val2017.json");
  assert.equal(m.sources.coco.imageUrl, "http://images.cocodataset.org/val2017/{file}");
  assert.match(m.sources.open_images.boxes.url, /validation-annotations-bbox\.csv$/);
  assert.match(m.sources.open_images.imageUrl, /\/validation\/\{file\}$/);
  const split = m.sources.nyuv2.trainImages;
  assert.equal(split.length, 795);
  assert.equal(new Set(split).size, 795);
  assert.ok(split.every((n) => Number.isInteger(n) && n >= 1 && n <= 1449));
  // The 632 NYUv2 images of GRIT ablation are all in the 654-image test split: spot-check known test frames.
  for (const testFrame of [1, 2, 9, 14, 1449]) assert.ok(!split.includes(testFrame), String(testFrame));
});

test("a bad proxy manifest lists every problem with its JSON path", () => {
  assert.throws(
    () =>
      parseProxyManifest(
        {
          schemaVersion: 1,
          kind: "grit-proxy",
          sources: {
            coco: {
              annotations: { url: "ftp://x", format: "tar.gz", size: null, sha256: null },
              imagePrefix: "/abs/",
              imageUrl: "http://x/y",
            },
            open_images: {},
            nyuv2: {
              url: "http://x/m.mat",
              imagePrefix: "nyuv2/",
              dataset: "images",
              size: null,
              sha256: null,
              trainImages: [1, 1],
            },
          },
        },
        "mine.json",
      ),
    (error: Error & { code?: string; details?: string[] }) => {
      assert.equal(error.code, "E_MANIFEST_INVALID");
      const problems = (error.details ?? []).join("\n");
      for (const path of [
        "sources.coco.annotations.url",
        "sources.coco.annotations.format",
        "sources.coco.annotations.member",
        "sources.coco.imagePrefix",
        "sources.coco.imageUrl",
        "sources.open_images.boxes",
        "sources.nyuv2.trainImages",
      ])
        assert.match(problems, new RegExp(`^${path.replaceAll(".", "\\.")}:`, "m"), path);
      assert.match(error.message, /mine\.json/);
      return true;
    },
  );
});
