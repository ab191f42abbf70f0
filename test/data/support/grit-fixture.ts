/**
 * A miniature GRIT served by the test server: ~300 localization samples over COCO (a few images only in
 * the zip), distorted COCO twins with int16 deltas in distortions.tar.gz, Open Images by id (some answer 503
 * first), NYUv2 in a v7.3 .mat, grit_data.zip with both subsets, and a manifest pointing at all of it.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeJpeg } from "../../../src/vision/encode.js";
import type { RgbImage } from "../../../src/vision/image.js";
import { buildTarGz, buildZip } from "./archives.js";
import { writeHdf5, writeMatV73 } from "./h5-write.js";
import type { TestServer } from "./test-server.js";

export interface FixtureSample {
  readonly example_id: string;
  readonly image_id: string;
  readonly task_name: "localization";
  readonly task_query: string;
  readonly task_bbox: null;
  readonly output_options: null;
}

export interface GritFixture {
  readonly manifestPath: string;
  readonly samples: FixtureSample[];
  /** Original (undistorted) image bytes by image id. */
  readonly images: Map<string, Uint8Array>;
  /** int16 delta arrays by delta key, with the image size they fit. */
  readonly deltas: Map<string, { data: Int16Array; width: number; height: number }>;
  /** COCO ids that the single-image URL does not serve (only in the zip). */
  readonly zipOnly: string[];
  /** Open Images ids whose first request answers 503. */
  readonly flaky: string[];
  readonly nyuv2: { n: number; width: number; height: number };
  readonly sha256: Record<string, string>;
  readonly counts: { coco: number; nyuv2: number; open_images: number; distorted: number; samples: number };
}

const QUERIES = ["dog", "baking dish", "traffic light", "person", "cup"];

function picture(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = (seed * 37 + x * (7 + c) + y * (3 + 2 * c)) % 256;
  return { width, height, data };
}

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A public localization sample as a samples file holds it. */
export function fixtureSample(exampleId: string, imageId: string, query: string): FixtureSample {
  return {
    example_id: exampleId,
    image_id: imageId,
    task_name: "localization",
    task_query: query,
    task_bbox: null,
    output_options: null,
  };
}

/** Builds the fixture in `dir`, registers every route on `server`, writes the manifest; returns what to expect. */
export async function buildGritFixture(server: TestServer, dir: string): Promise<GritFixture> {
  const images = new Map<string, Uint8Array>();
  const samples: FixtureSample[] = [];
  const sizes = new Map<string, { width: number; height: number }>();

  // COCO: 60 images, 1–2 queries each; the last 4 are only in the zip.
  const cocoIds: string[] = [];
  for (let i = 0; i < 60; i++) {
    const file = `COCO_test2015_${String(100000 + i * 13).padStart(12, "0")}.jpg`;
    const id = `coco/test2015/${file}`;
    const size = { width: 24 + (i % 5) * 4, height: 16 + (i % 3) * 4 };
    images.set(id, await encodeJpeg(picture(size.width, size.height, i), { quality: 90 }));
    sizes.set(id, size);
    cocoIds.push(id);
  }
  // 3 COCO images are used only through their distorted twins (no undistorted sample).
  const distortOnly = new Set(cocoIds.slice(57));
  for (const [i, id] of cocoIds.entries()) {
    if (distortOnly.has(id)) continue;
    const n = Number(id.slice(-16, -4));
    for (const query of QUERIES.slice(0, 1 + (i % 2)))
      samples.push(fixtureSample(`coco_loc_test-reserve_${query}_${n}`, id, query));
  }
  const zipOnly = cocoIds.slice(53, 57);

  // Distorted twins of 20 COCO images (including the 3 distort-only ones); deltas are int16.
  const deltas = new Map<string, { data: Int16Array; width: number; height: number }>();
  for (const [i, id] of cocoIds.entries()) {
    if (i % 3 !== 0 && !distortOnly.has(id)) continue;
    const n = Number(id.slice(-16, -4));
    const key = `coco_loc_test-reserve_${QUERIES[0]}_${n}`;
    const { width, height } = sizes.get(id) as { width: number; height: number };
    const data = Int16Array.from({ length: width * height * 3 }, (_, k) => ((k * 7919 + i * 31) % 81) - 40);
    deltas.set(key, { data, width, height });
    samples.push(fixtureSample(`${key}_dist`, `distorted/localization/${id}`, QUERIES[0] as string));
  }

  // Open Images: 100 ids, 1–2 queries each; every 10th answers 503 once.
  const flaky: string[] = [];
  for (let i = 0; i < 100; i++) {
    const hex = (0x0a1b2c3d4e5f0000n + BigInt(i * 977)).toString(16).slice(0, 16);
    const id = `open_images/test/${hex}.jpg`;
    images.set(id, await encodeJpeg(picture(20 + (i % 4) * 6, 30 - (i % 3) * 4, 100 + i), { quality: 85 }));
    if (i % 10 === 0) flaky.push(id);
    for (const query of QUERIES.slice(2, 3 + (i % 2)))
      samples.push(fixtureSample(`open_images_loc_test_${query}_${hex}`, id, query));
  }

  // NYUv2: a .mat of 30 images; samples use 20 of them.
  const nyuv2 = { n: 30, width: 16, height: 12 };
  for (let n = 1; n <= 20; n++) {
    for (const query of QUERIES.slice(3, 4 + (n % 2)))
      samples.push(fixtureSample(`nyuv2_loc_${query}_${n}`, `nyuv2/${n}.jpg`, query));
  }
  const matPath = join(dir, "nyu.mat");
  await writeMatV73(
    matPath,
    "images",
    { n: nyuv2.n, height: nyuv2.height, width: nyuv2.width },
    (n, y, x, c) => (n * 8 + x * 11 + y * 5 + c * 60) % 256,
  );

  // Archives.
  const testSamples = samples.slice(0, 10).map((s) => ({ ...s, example_id: `${s.example_id}_t` }));
  const samplesZip = buildZip([
    { name: "GRIT/samples/ablation/localization.json", data: Buffer.from(JSON.stringify(samples)) },
    { name: "GRIT/samples/test/localization.json", data: Buffer.from(JSON.stringify(testSamples)) },
    { name: "GRIT/samples/ablation/vqa.json", data: Buffer.from("[]") },
    { name: "GRIT/output_options/coco_categories.json", data: Buffer.from("[]") },
  ]);
  const h5 = join(dir, "deltas.hdf5");
  await writeHdf5(
    h5,
    [...deltas].map(([name, d]) => ({ name, data: d.data, shape: [d.height, d.width, 3] })),
  );
  const deltasTar = buildTarGz([
    { name: "distortions/dist_deltas_localization_test.hdf5", data: Buffer.from("not needed") },
    { name: "distortions/dist_deltas_localization_ablation.hdf5", data: await readFile(h5) },
  ]);
  const cocoZip = buildZip(
    cocoIds.map((id) => ({
      name: `test2015/${id.slice("coco/test2015/".length)}`,
      data: images.get(id) as Uint8Array,
    })),
  );
  const mat = await readFile(matPath);

  // Routes.
  server.routes.set("/grit/grit_data.zip", { body: samplesZip, etag: '"s1"' });
  server.routes.set("/grit/distortions.tar.gz", { body: deltasTar, etag: '"d1"' });
  server.routes.set("/coco/zips/test2015.zip", { body: cocoZip, etag: '"z1"' });
  server.routes.set("/nyu/nyu_depth_v2_labeled.mat", {
    body: mat,
    etag: '"m1"',
    plan: [{ kind: "drop", afterBytes: 4096 }],
  });
  for (const id of cocoIds) {
    if (!zipOnly.includes(id))
      server.routes.set(`/coco/test2015/${id.slice(14)}`, { body: images.get(id) as Uint8Array });
  }
  for (const [id, body] of images) {
    if (!id.startsWith("open_images/")) continue;
    server.routes.set(`/oi/test/${id.slice(17)}`, {
      body,
      plan: flaky.includes(id) ? [{ kind: "status", status: 503 }] : [],
    });
  }

  const manifest = {
    schemaVersion: 1,
    kind: "grit-data",
    sources: {
      samples: { url: server.url("/grit/grit_data.zip"), format: "zip", size: null, sha256: null },
      distortions: {
        url: server.url("/grit/distortions.tar.gz"),
        format: "tar.gz",
        size: deltasTar.length,
        sha256: sha(deltasTar),
      },
      coco: {
        imagePrefix: "coco/test2015/",
        imageUrl: server.url("/coco/test2015/{file}"),
        archive: {
          url: server.url("/coco/zips/test2015.zip"),
          format: "zip",
          memberPrefix: "test2015/",
          size: null,
          sha256: null,
        },
      },
      nyuv2: {
        url: server.url("/nyu/nyu_depth_v2_labeled.mat"),
        imagePrefix: "nyuv2/",
        dataset: "images",
        size: mat.length,
        sha256: sha(mat),
      },
      open_images: { imagePrefix: "open_images/test/", imageUrl: server.url("/oi/test/{file}") },
    },
  };
  const manifestPath = join(dir, "mirror.json");
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return {
    manifestPath,
    samples,
    images,
    deltas,
    zipOnly,
    flaky,
    nyuv2,
    sha256: { samplesZip: sha(samplesZip), cocoZip: sha(cocoZip) },
    counts: {
      coco: cocoIds.length - distortOnly.size,
      nyuv2: 20,
      open_images: 100,
      distorted: deltas.size,
      samples: samples.length,
    },
  };
}
