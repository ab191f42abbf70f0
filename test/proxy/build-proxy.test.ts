import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { loadSamples } from "../../src/grit/samples.js";
import { type BuildProxyOptions, buildProxy } from "../../src/proxy/build-proxy.js";
import { corruptImage } from "../../src/proxy/corruptions.js";
import type { ProxyReport } from "../../src/proxy/proxy-report.js";
import { decodeImage } from "../../src/vision/decode.js";
import { startTestServer, type TestServer } from "../data/support/test-server.js";
import { buildProxyFixture, type ProxyFixture } from "./support/proxy-fixture.js";

let server: TestServer;
let dir: string;
let fixture: ProxyFixture;
let cache: string;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-proxy-"));
  fixture = await buildProxyFixture(server, dir);
  cache = join(dir, "cache");
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const caps = { coco: 3, open_images: 4, nyuv2: 3 };
const options = (root: string, extra: Partial<BuildProxyOptions> = {}): BuildProxyOptions => ({
  root: join(dir, root),
  cacheDir: cache,
  manifest: fixture.manifestPath,
  seed: 5,
  negativeFraction: 0.3,
  distortedFraction: 0.2,
  sources: {
    coco: { target: 30, cap: caps.coco, negativeCap: 2 },
    open_images: { target: 40, cap: caps.open_images, negativeCap: 3 },
    nyuv2: { target: 24, cap: caps.nyuv2, negativeCap: 2 },
  },
  concurrency: 4,
  retryDelayMs: 1,
  ...extra,
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const OI_MID: Record<string, string> = {
  vehicle: "/m/07yv9",
  car: "/m/0k4j",
  bicycle: "/m/0199g",
  dog: "/m/0bt9lr",
  person: "/m/01g317",
  coffeemaker: "/m/07xyvk",
  tank: "/m/07cmd",
  "french horn": "/m/0319l",
};
const COCO_ID: Record<string, string> = {
  person: "1",
  bicycle: "2",
  car: "3",
  dog: "18",
  bottle: "44",
  chair: "62",
};

let first: ProxyReport;

test("proxy build: every partition, negatives only from verified-absent categories, caps and negative share kept", async () => {
  first = await buildProxy(options("a"));
  assert.equal(first.complete, true, JSON.stringify(first.errors.slice(0, 3)));
  for (const [partition, n] of Object.entries(first.counts.byPartition))
    assert.ok(n >= 2, `${partition}: ${n}`);
  assert.equal(first.counts.byPartition.dist, first.twins.length);
  assert.equal(first.counts.byPartition.undist, first.twins.length);
  const coco = first.counts.bySource.coco;
  assert.equal(first.twins.length, Math.round((coco.positives + coco.negatives) * 0.2));

  const gt = await loadSamples(first.groundTruthFile);
  const publicSamples = JSON.parse(await readFile(first.samplesFile, "utf8")) as Record<string, unknown>[];
  assert.deepEqual(
    publicSamples.map((s) => s.example_id),
    gt.map((s) => s.exampleId),
  );
  assert.ok(publicSamples.every((s) => !("output" in s) && !("meta" in s) && s.task_name === "localization"));

  const positives = new Map<string, number>();
  for (const s of gt) {
    const meta = s.meta!;
    const boxes = s.groundTruth!.bboxes;
    if (meta.isDistorted) continue;
    const source = s.exampleId.startsWith("coco_")
      ? "coco"
      : s.exampleId.startsWith("open_images_")
        ? "open_images"
        : "nyuv2";
    if (boxes.length > 0)
      positives.set(`${source}|${s.taskQuery}`, (positives.get(`${source}|${s.taskQuery}`) ?? 0) + 1);
    const image = s.imageId.slice(s.imageId.lastIndexOf("/") + 1).replace(/\.jpg$/, "");
    if (source === "coco") {
      const present = fixture.cocoPresent.get(String(Number(image)))!;
      assert.equal(present.has(COCO_ID[s.taskQuery]!), boxes.length > 0, s.exampleId);
    } else if (source === "open_images") {
      // A negative's class is verified absent by a human label (Confidence 0) on that image.
      if (boxes.length === 0)
        assert.ok(fixture.openImagesVerifiedAbsent.get(image)?.has(OI_MID[s.taskQuery]!), s.exampleId);
    } else {
      assert.equal(fixture.nyuv2Present.get(image)?.has(s.taskQuery), boxes.length > 0, s.exampleId);
      assert.ok(fixture.nyuv2TrainImages.includes(Number(image)), s.imageId);
    }
    for (const [x1, y1, x2, y2] of boxes) {
      assert.ok(
        x1 <= x2 && y1 <= y2 && x2 < meta.imageSize!.width && y2 < meta.imageSize!.height,
        s.exampleId,
      );
    }
  }
  for (const [key, n] of positives)
    assert.ok(n <= caps[key.split("|")[0] as keyof typeof caps], `${key}: ${n}`);
  for (const [source, c] of Object.entries(first.counts.bySource)) {
    const undistorted = c.positives + c.negatives;
    assert.equal(c.negatives, Math.round(c.positives * (0.3 / 0.7)), source);
    assert.ok(
      c.negatives > 0 && Math.abs(c.negatives / undistorted - 0.3) < 0.05,
      `${source}: ${c.negatives}/${undistorted}`,
    );
  }
  // The id layouts GRIT uses; NYUv2 negatives take <name>_<index>.
  assert.ok(
    first.counts.byLayout["open_images image-mid"]! > 0 &&
      first.counts.byLayout["open_images query-image"]! > 0,
  );
  assert.equal(first.counts.byLayout["nyuv2 name-index"], first.counts.bySource.nyuv2.negatives);
  assert.ok(gt.some((s) => /^nyuv2_loc_train_\d+_/.test(s.exampleId)));
  assert.ok(gt.some((s) => /^open_images_loc_validation_[0-9a-f]{16}_\/m\//.test(s.exampleId)));
  // newCpt: queries outside COCO's 80 names.
  assert.equal(gt.find((s) => s.taskQuery === "coffeemaker")?.meta?.hasNewConcept ?? true, true);
  assert.ok(gt.filter((s) => s.exampleId.startsWith("coco_")).every((s) => !s.meta!.hasNewConcept));

  // The report names every annotation file with the sha256 of the served bytes; gt-report says "proxy".
  for (const route of fixture.annotationRoutes) {
    const body = server.routes.get(route)!.body;
    assert.ok(
      first.annotations.some((a) => a.sha256 === sha(body)),
      route,
    );
  }
  assert.ok(first.annotations.some((a) => a.role === "instances"));
  const gtReport = JSON.parse(await readFile(join(dir, "a/ground-truth/proxy/gt-report.json"), "utf8"));
  assert.equal(gtReport.kind, "proxy");
  assert.match(gtReport.label, /not comparable in absolute terms/);
  // Images came only from the manifest's templates, never from coco_url.
  assert.equal(server.requests.filter((r) => r.path.includes("nowhere")).length, 0);
});

test("distorted twins: files beside the originals, the documented corruption of the original, boxes unchanged", async () => {
  const gt = await loadSamples(first.groundTruthFile);
  const byId = new Map(gt.map((s) => [s.exampleId, s]));
  const kinds = new Set<string>();
  for (const twin of first.twins) {
    const dist = byId.get(twin.exampleId)!;
    const original = byId.get(twin.exampleId.slice(0, -5))!;
    assert.equal(dist.meta?.isDistorted, true);
    assert.equal(dist.meta?.distortion, twin.kind);
    assert.deepEqual(dist.groundTruth, original.groundTruth);
    assert.equal(dist.imageId.replace(/_dist\.(png|jpg)$/, ".jpg"), original.imageId);
    const root = join(dir, "a/images");
    const expected = await corruptImage(
      await decodeImage(join(root, original.imageId)),
      twin.kind as never,
      twin.seed,
    );
    assert.deepEqual(await readFile(join(root, dist.imageId)), Buffer.from(expected), twin.exampleId);
    kinds.add(twin.kind);
  }
  assert.equal(kinds.size, 4);
});

test("the same seed gives byte-identical samples and ground truth; another seed gives another set", async () => {
  const again = await buildProxy(options("b"));
  for (const file of ["samples/proxy/localization.json", "ground-truth/proxy/localization.json"]) {
    assert.equal(sha(await readFile(join(dir, "b", file))), sha(await readFile(join(dir, "a", file))), file);
  }
  assert.deepEqual(again.twins, first.twins);
  const other = await buildProxy(options("c", { seed: 6 }));
  assert.notEqual(
    sha(await readFile(join(dir, "c/ground-truth/proxy/localization.json"))),
    sha(await readFile(join(dir, "a/ground-truth/proxy/localization.json"))),
  );
  assert.equal(other.complete, true);
});

test("an image the server does not have: its samples are left out and listed; a rerun once it is served completes", async () => {
  const gt = await loadSamples(join(dir, "a/ground-truth/proxy/localization.json"));
  const id = gt.find((s) => s.imageId.startsWith("open_images/"))!.imageId;
  const route = fixture.imageRoutes.get(id)!;
  const served = server.routes.get(route)!;
  server.routes.delete(route);
  const partial = await buildProxy(options("f"));
  assert.equal(partial.complete, false);
  assert.deepEqual(partial.missing, [id]);
  assert.equal(partial.errors[0]?.imageId, id);
  const leftOut = gt.filter((s) => s.imageId === id).map((s) => s.exampleId);
  assert.deepEqual(partial.leftOut, leftOut);
  const written = await loadSamples(partial.groundTruthFile);
  assert.equal(written.length, gt.length - leftOut.length);
  assert.ok(written.every((s) => s.imageId !== id));

  server.routes.set(route, served);
  const complete = await buildProxy(options("f"));
  assert.equal(complete.complete, true);
  assert.deepEqual(
    await readFile(join(dir, "f/ground-truth/proxy/localization.json")),
    await readFile(join(dir, "a/ground-truth/proxy/localization.json")),
  );
});

test("rules that drop boxes never make a negative of a category that is on the image", async () => {
  const report = await buildProxy(
    options("g", { rules: { nyuv2MinPixels: 12, openImagesGroupOf: "drop" }, negativeFraction: 0.45 }),
  );
  assert.equal(report.complete, true);
  const gt = await loadSamples(report.groundTruthFile);
  const boxRows = (await readFile(join(cache, "validation-annotations-bbox.csv"), "utf8")).split("\n");
  let negatives = 0;
  for (const s of gt) {
    if (s.groundTruth!.bboxes.length > 0 || s.meta!.isDistorted) continue;
    const image = s.imageId.slice(s.imageId.lastIndexOf("/") + 1).replace(/\.jpg$/, "");
    if (s.exampleId.startsWith("nyuv2_")) {
      assert.equal(fixture.nyuv2Present.get(image)?.has(s.taskQuery), false, s.exampleId);
      negatives++;
    } else if (s.exampleId.startsWith("open_images_")) {
      const mids = s.taskQuery === "vehicle" ? ["/m/07yv9", "/m/0k4j", "/m/0199g"] : [OI_MID[s.taskQuery]!];
      assert.ok(
        !boxRows.some((row) => row.startsWith(image) && mids.includes(row.split(",")[2]!)),
        s.exampleId,
      );
      negatives++;
    }
  }
  assert.ok(negatives > 5, `${negatives}`);
});

test("exifRotation apply reads each Open Images header: without EXIF orientation the ground truth is unchanged", async () => {
  const report = await buildProxy(options("e", { rules: { exifRotation: "apply" } }));
  assert.equal(report.rules.exifRotation, "apply");
  assert.deepEqual(
    await readFile(join(dir, "e/ground-truth/proxy/localization.json")),
    await readFile(join(dir, "a/ground-truth/proxy/localization.json")),
  );
});

test("an interrupted build resumes without downloading anything twice", async () => {
  const annotationRequests = () => fixture.annotationRoutes.map((r) => server.requestsFor(r).length);
  const before = annotationRequests();
  const controller = new AbortController();
  let images = 0;
  const root = "d";
  await assert.rejects(
    buildProxy(
      options(root, {
        seed: 9,
        cacheDir: join(dir, "cache-d"),
        concurrency: 1,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "item" && e.phase === "open_images" && ++images === 5) controller.abort();
        },
      }),
    ),
    (error) => (error as Error).name === "AbortError" || isGritlocError(error),
  );
  const fetchedFirst = [...fixture.imageRoutes].filter(([id]) => existsSync(join(dir, root, "images", id)));
  assert.ok(fetchedFirst.length >= 5, `${fetchedFirst.length}`);
  const counts = new Map(fetchedFirst.map(([, route]) => [route, server.requestsFor(route).length]));
  const afterFirst = annotationRequests();

  const resumed = await buildProxy(options(root, { seed: 9, cacheDir: join(dir, "cache-d") }));
  assert.equal(resumed.complete, true);
  for (const [route, n] of counts) assert.equal(server.requestsFor(route).length, n, route);
  assert.deepEqual(annotationRequests(), afterFirst);
  // The first interrupted run fetched each annotation file once into its own cache.
  assert.deepEqual(
    afterFirst.map((n, i) => n - (before[i] as number)),
    fixture.annotationRoutes.map(() => 1),
  );
  // And a complete build reruns without any request.
  const quiet = server.requests.length;
  await buildProxy(options(root, { seed: 9, cacheDir: join(dir, "cache-d") }));
  assert.equal(server.requests.length, quiet);
});

test("a corrupt image is deleted, fetched again, and the build stays byte-identical", async () => {
  const gtPath = join(dir, "a/ground-truth/proxy/localization.json");
  const gtBefore = await readFile(gtPath);
  const [id, route] = [...fixture.imageRoutes].find(
    ([i]) => i.startsWith("open_images/") && existsSync(join(dir, "a/images", i)),
  )!;
  await truncate(join(dir, "a/images", id), 30);
  const requests = server.requestsFor(route).length;
  const report = await buildProxy(options("a"));
  assert.equal(report.complete, true);
  assert.equal(server.requestsFor(route).length, requests + 1);
  assert.deepEqual(await readFile(gtPath), gtBefore);
});

test("proxy build refuses rules that contradict how the proxy draws, and bad sampling options, before any work", async () => {
  const cases: [Partial<BuildProxyOptions>, RegExp][] = [
    [
      { rules: { openImagesNegatives: "no-box" } },
      /Expected "verified-absent".* for rules\.openImagesNegatives/,
    ],
    [{ rules: { nyuv2MinPixels: 0 } }, /for rules\.nyuv2MinPixels/],
    [
      { negativeFraction: 0.5 },
      /Expected a share from 0\.15 to 0\.45 for negativeFraction but received 0\.5/,
    ],
    [{ seed: -1 }, /for seed/],
    [{ sources: { coco: { cap: -1 } } }, /for sources\.coco\.cap/],
  ];
  const before = server.requests.length;
  for (const [extra, message] of cases) {
    await assert.rejects(buildProxy(options("never", extra)), (e: Error) => {
      assert.ok(isGritlocError(e, "E_INVALID_OPTION"), e.message);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.equal(server.requests.length, before);
  assert.equal(existsSync(join(dir, "never")), false);
});

test("a proxy root below a file: E_FILE_ACCESS naming the root and the file in the way, before any download", async () => {
  const aFile = join(dir, "a-file");
  await writeFile(aFile, "not a folder");
  const root = join(aFile, "proxy");
  const before = server.requests.length;
  await assert.rejects(buildProxy({ ...options("unused"), root }), (e: Error) => {
    assert.ok(isGritlocError(e, "E_FILE_ACCESS"), e.message);
    assert.match(e.message, new RegExp(`cannot write ${root}: ${aFile} is a file, not a folder`));
    return true;
  });
  assert.equal(server.requests.length, before);
});
