import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { applyDistortionDelta } from "../../src/data/apply-delta.js";
import { saveLikePil } from "../../src/data/save-like-pil.js";
import type { SetupEvent } from "../../src/data/setup-events.js";
import { setupGrit } from "../../src/data/setup-grit.js";
import { verifyGritImages } from "../../src/data/verify-grit-images.js";
import { decodeImage } from "../../src/vision/decode.js";
import { buildGritFixture, type GritFixture } from "./support/grit-fixture.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

let server: TestServer;
let dir: string;
let fixture: GritFixture;
let root: string;
let cache: string;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-setup-"));
  fixture = await buildGritFixture(server, dir);
  root = join(dir, "GRIT");
  cache = join(dir, "drive-cache");
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const options = () => ({
  root,
  subset: "ablation" as const,
  cacheDir: cache,
  manifest: fixture.manifestPath,
  concurrency: 8,
  retryDelayMs: 1,
});

test("setup fetches exactly the images of ~300 samples from four sources, makes the distorted ones, and verifies all", async () => {
  assert.ok(fixture.counts.samples >= 250, `${fixture.counts.samples} samples`);
  const events: SetupEvent[] = [];
  const report = await setupGrit({ ...options(), onEvent: (e) => events.push(e) });

  assert.equal(report.complete, true, JSON.stringify(report.errors.slice(0, 3)));
  assert.equal(report.samples, fixture.counts.samples);
  for (const source of ["coco", "nyuv2", "open_images", "distorted"] as const) {
    const counts = report.sources[source];
    assert.equal(counts.referenced, fixture.counts[source], source);
    assert.equal(counts.present, fixture.counts[source], source);
    assert.deepEqual([counts.missing, counts.corrupt, counts.selected], [0, 0, true], source);
  }
  assert.deepEqual([report.missing, report.corrupt, report.unknown, report.errors], [[], [], [], []]);
  assert.equal(report.sources.open_images.largestSide, 38);

  // Originals arrived byte for byte, the zip-only COCO images through the zip fallback.
  for (const [id, bytes] of fixture.images) {
    if (id.startsWith("coco/") && !existsSync(join(root, "images", id))) continue; // distort-only inputs checked below
    assert.deepEqual(await readFile(join(root, "images", id)), Buffer.from(bytes), id);
  }
  for (const id of fixture.zipOnly)
    assert.equal(server.requestsFor(`/coco/test2015/${id.slice(14)}`).length, 1);
  assert.equal(server.requestsFor("/coco/zips/test2015.zip").length, 1);
  // Flaky Open Images answered 503 once, then came through.
  for (const id of fixture.flaky) assert.equal(server.requestsFor(`/oi/test/${id.slice(17)}`).length, 2);
  // The NYUv2 .mat resumed after its dropped connection; only the referenced numbers were extracted.
  assert.equal(server.requestsFor("/nyu/nyu_depth_v2_labeled.mat")[1]?.headers.range, "bytes=4096-");
  assert.deepEqual(
    readdirSync(join(root, "images/nyuv2")).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10)),
    Array.from({ length: 20 }, (_, i) => `${i + 1}.jpg`),
  );
  // Both subsets' samples were extracted from the zip's GRIT/ folder; the deltas file from the tar.gz.
  assert.ok(existsSync(join(root, "samples/test/localization.json")));
  assert.ok(existsSync(join(root, "distortions/dist_deltas_localization_ablation.hdf5")));
  assert.equal(existsSync(join(root, "distortions/dist_deltas_localization_test.hdf5")), false);

  // Distorted images are the undistorted image plus its delta, saved like PIL (checked on 5 of them).
  for (const [key, delta] of [...fixture.deltas].slice(0, 5)) {
    const n = key.slice(key.lastIndexOf("_") + 1);
    const id = `coco/test2015/COCO_test2015_${n.padStart(12, "0")}.jpg`;
    const expected = applyDistortionDelta(await decodeImage(fixture.images.get(id) as Uint8Array), {
      dtype: "int16",
      shape: [delta.height, delta.width, 3],
      data: delta.data,
    });
    const reference = join(dir, "expected.jpg");
    await saveLikePil(expected, reference);
    assert.deepEqual(
      await readFile(join(root, "images/distorted/localization", id)),
      await readFile(reference),
      key,
    );
  }

  // The archives stayed in the cache folder; the report carries their measured values for the manifest.
  const zip = report.downloads.find((d) => d.file === "grit_data.zip");
  assert.deepEqual(zip && [zip.sha256, zip.recorded, zip.reused], [fixture.sha256.samplesZip, false, false]);
  assert.equal(report.downloads.find((d) => d.file === "distortions.tar.gz")?.recorded, true);
  // Files with a recorded sha256 get a stamp, so a rerun trusts them without hashing again.
  assert.deepEqual(readdirSync(cache).sort(), [
    "distortions.tar.gz",
    "distortions.tar.gz.verified.json",
    "grit_data.zip",
    "nyu_depth_v2_labeled.mat",
    "nyu_depth_v2_labeled.mat.verified.json",
    "test2015.zip",
  ]);
  assert.deepEqual(JSON.parse(await readFile(join(root, "setup-report.json"), "utf8")).complete, true);

  // Every phase reported its start and end.
  const phases = events.filter((e) => e.type === "phase-end").map((e) => e.type === "phase-end" && e.phase);
  assert.deepEqual(phases, ["samples", "coco", "nyuv2", "open_images", "distorted", "verify"]);
  assert.ok(events.some((e) => e.type === "note" && /4 COCO images are not served singly/.test(e.message)));
});

test("a second run of a complete setup makes zero requests", async () => {
  const before = server.requests.length;
  const report = await setupGrit(options());
  assert.equal(server.requests.length - before, 0);
  assert.equal(report.complete, true);
  assert.deepEqual(report.downloads, []);
});

test("a corrupt image found by the verification is deleted and fetched again in the same run", async () => {
  const id =
    "open_images/test/" + [...fixture.images.keys()].find((k) => k.startsWith("open_images/"))?.slice(17);
  await truncate(join(root, "images", id), 40);
  const before = server.requestsFor(`/oi/test/${id.slice(17)}`).length;
  const report = await setupGrit(options());
  assert.equal(report.complete, true);
  assert.equal(server.requestsFor(`/oi/test/${id.slice(17)}`).length, before + 1);
  assert.deepEqual(
    await readFile(join(root, "images", id)),
    Buffer.from(fixture.images.get(id) as Uint8Array),
  );
});

test("verify alone reports missing and corrupt images and fetches nothing", async () => {
  const missing = "nyuv2/3.jpg";
  const corrupt = [...fixture.images.keys()].find((k) => k.startsWith("coco/")) as string;
  await rm(join(root, "images", missing));
  await truncate(join(root, "images", corrupt), 100);
  const before = server.requests.length;
  const report = await verifyGritImages({ root, samples: "ablation", manifest: fixture.manifestPath });
  assert.equal(server.requests.length, before);
  assert.equal(report.complete, false);
  assert.deepEqual(report.missing, [missing]);
  assert.deepEqual(
    report.corrupt.map((c) => c.imageId),
    [corrupt],
  );
  assert.match(report.corrupt[0]?.message ?? "", /Cannot decode image/);
  assert.equal(report.sources.nyuv2.missing, 1);
  assert.equal(report.sources.coco.corrupt, 1);
  // setup repairs both with only the requests needed: one COCO image, and the .mat from the cache (none).
  const repaired = await setupGrit(options());
  assert.equal(repaired.complete, true);
  assert.equal(server.requests.length - before, 1);
});

test("--sources limits what is fetched and checked; bad options are rejected with their names", async () => {
  const other = join(dir, "GRIT-oi");
  const report = await setupGrit({ ...options(), root: other, sources: ["open_images"] });
  assert.equal(report.complete, true);
  assert.deepEqual(readdirSync(join(other, "images")), ["open_images"]);
  assert.equal(report.sources.coco.selected, false);
  await assert.rejects(
    setupGrit({ ...options(), subset: "val" as never }),
    /Expected "ablation" or "test" for subset but received "val"/,
  );
  await assert.rejects(
    setupGrit({ ...options(), sources: ["vg" as never] }),
    /Expected a list of coco, nyuv2, open_images, distorted for sources/,
  );
  await assert.rejects(
    setupGrit({ ...options(), concurrency: 0 }),
    /Expected an integer from 1 to 64 for concurrency but received 0/,
  );
});

test("an image the server does not have makes the run incomplete; a rerun fetches only that image", async () => {
  const other = join(dir, "GRIT-404");
  const id = [...fixture.images.keys()].filter((k) => k.startsWith("open_images/"))[7] as string;
  const route = `/oi/test/${id.slice(17)}`;
  const saved = server.routes.get(route);
  server.routes.delete(route);
  const report = await setupGrit({ ...options(), root: other, sources: ["open_images"] });
  assert.equal(report.complete, false);
  assert.deepEqual(report.missing, [id]);
  assert.deepEqual(report.errors, [
    {
      imageId: id,
      code: "E_DOWNLOAD",
      message: `not served at ${server.url("/oi/test/{file}")} (HTTP 403/404)`,
    },
  ]);
  server.routes.set(route, saved as NonNullable<typeof saved>);
  const before = server.requests.length;
  const again = await setupGrit({ ...options(), root: other, sources: ["open_images"] });
  assert.equal(again.complete, true);
  assert.deepEqual(
    server.requests.slice(before).map((r) => r.path),
    [route],
  );
});

test("the downloaded bytes hash to what the report says", async () => {
  assert.equal(sha(await readFile(join(cache, "grit_data.zip"))), fixture.sha256.samplesZip);
});
