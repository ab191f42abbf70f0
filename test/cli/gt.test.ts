/**
 * `gritloc gt build` on the synthetic root of test/gt/support/gt-fixture.ts (annotation files over loopback):
 * the printed per-layout summary, --rule and --sources reaching the build, --json printing gt-report.json,
 * and usage errors.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { startTestServer, type TestServer } from "../data/support/test-server.js";
import { buildGtFixture, type GtFixture } from "../gt/support/gt-fixture.js";
import { captureIo } from "../support/cli-io.js";

let server: TestServer;
let dir: string;
let fixture: GtFixture;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-gt-cli-"));
  fixture = await buildGtFixture(server, dir);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const base = () => [
  "gt",
  "build",
  "--root",
  fixture.root,
  "--subset",
  "ablation",
  "--manifest",
  fixture.manifestPath,
  "--cache",
  fixture.cache,
];

test("gt build prints a line per source and id layout and the totals, and writes both files", async () => {
  const io = captureIo();
  assert.equal(await main(base(), io), 0, io.err.join(""));
  const out = io.out.join("");
  assert.match(
    out,
    /Rebuilt ground truth \(UNOFFICIAL\) for ablation: .*ground-truth\/ablation\/localization\.json/,
  );
  assert.match(out, /open_images\s+query-image\s+6\s+4\s+1\s+\(25\.0%\)\s+0\s+1\s+1\s+0\n/);
  assert.match(out, /open_images\s+image-mid\s+2\s+2\s+1\s+\(50\.0%\)\s+1\s+0\s+0\s+0\n/);
  assert.match(out, /nyuv2\s+index-name\s+5\s+3\s+0\s+\(0\.0%\)\s+0\s+0\s+2\s+0\n/);
  assert.match(out, /nyuv2\s+name-index\s+2\s+1\s+1\s+\(100\.0%\)\s+0\s+1\s+0\s+0\n/);
  assert.match(
    out,
    /10 of 17 samples have ground truth \(3 empty\); 5 unresolved .*2 not rebuilt: coco 1, distorted 1\./,
  );
  assert.match(out, /1 image-mid samples name another class in the query than in the id\./);
  assert.match(
    io.err.join(""),
    /open_images: downloading http:\/\/127\.0\.0\.1:\d+\/oi\/test-annotations-bbox\.csv/,
  );
  const report = JSON.parse(
    await readFile(join(fixture.root, "ground-truth", "ablation", "gt-report.json"), "utf8"),
  );
  assert.equal(report.totals.records, 10);
});

test("--rule and --sources reach the build; --json prints gt-report.json", async () => {
  const io = captureIo();
  const code = await main(
    [
      ...base(),
      "--rule",
      "openImagesGroupOf=drop",
      "--rule",
      "nyuv2MinPixels=2",
      "--sources",
      "open_images",
      "--json",
    ],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  const report = JSON.parse(io.out.join(""));
  assert.equal(report.rules.openImagesGroupOf, "drop");
  assert.equal(report.rules.nyuv2MinPixels, 2);
  assert.deepEqual(report.sources, ["open_images"]);
  assert.deepEqual(report.notRebuilt, { nyuv2: 7, coco: 1, distorted: 1 });
});

test("usage errors exit 2 with the flag named; --help lists every rule with its default", async () => {
  const bad = captureIo();
  assert.equal(await main([...base(), "--rule", "openImagesGroupOf=maybe"], bad), 2);
  assert.match(
    bad.err.join(""),
    /Expected "keep" or "drop" for rules\.openImagesGroupOf but received "maybe"/,
  );
  const noValue = captureIo();
  assert.equal(await main([...base(), "--rule", "openImagesGroupOf"], noValue), 2);
  assert.match(
    noValue.err.join(""),
    /Expected NAME=VALUE \(e\.g\. --rule openImagesGroupOf=drop\) for --rule but received "openImagesGroupOf"/,
  );
  const action = captureIo();
  assert.equal(await main(["gt", "rebuild", "--root", "x"], action), 2);
  assert.match(
    action.err.join(""),
    /unknown action "rebuild" for gritloc gt \(expected "build"\)\. Did you mean 'gritloc gt build'\?/,
  );
  const sources = captureIo();
  assert.equal(await main([...base(), "--sources", "coco"], sources), 2);
  assert.match(sources.err.join(""), /a comma list of open_images, nyuv2 for --sources/);
  const help = captureIo();
  assert.equal(await main(["gt", "--help"], help), 0);
  assert.match(help.out.join(""), /openImagesHierarchy\s+expand \| exact\s+\(default expand\)/);
  assert.match(help.out.join(""), /nyuv2MinPixels\s+an integer ≥ 1\s+\(default 1\)/);
});
