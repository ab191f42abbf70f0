import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { buildGritFixture, type GritFixture } from "../data/support/grit-fixture.js";
import { startTestServer, type TestServer } from "../data/support/test-server.js";
import { captureIo } from "../support/cli-io.js";

let server: TestServer;
let dir: string;
let fixture: GritFixture;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-cli-setup-"));
  fixture = await buildGritFixture(server, dir);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test("gritloc setup grit fetches everything from a --manifest mirror, prints progress and a per-source summary", async () => {
  const io = captureIo();
  const root = join(dir, "GRIT");
  const args = [
    "setup",
    "grit",
    "--root",
    root,
    "--subset",
    "ablation",
    "--cache",
    join(dir, "cache"),
    "--manifest",
    fixture.manifestPath,
  ];
  assert.equal(await main(args, io), 0, io.err.join(""));
  const out = io.out.join("");
  assert.match(out, new RegExp(`^${fixture.counts.samples} samples, \\d+ distinct images under `));
  assert.match(out, / {2}coco {8}\s+57\s+57\s+0\s+0\s+\d+\n/);
  assert.match(out, / {2}open_images\s+100\s+100\s+0\s+0\s+38\n/);
  assert.match(
    out,
    /Measured archives \(record size and sha256 in the manifest\):\n {2}grit_data\.zip: size \d+, sha256 [0-9a-f]{64}/,
  );
  assert.match(out, /Complete: every image is present and decodes\.\n$/);
  const err = io.err.join("");
  assert.match(err, /samples: extracting samples\/\*\/localization\.json from grit_data\.zip/);
  assert.match(err, /nyuv2: downloading http:\/\/127\.0\.0\.1:\d+\/nyu\/nyu_depth_v2_labeled\.mat/);
  assert.match(
    err,
    /nyuv2: nyu_depth_v2_labeled\.mat: attempt 1 failed \(connection lost at byte 4096 of \d+ \(aborted\)\); retrying/,
  );
  assert.match(err, /coco: 4 COCO images are not served singly; taking them from /);
  assert.match(err, /verify: decoding \d+ images under /);

  const again = captureIo({ isTty: true });
  const before = server.requests.length;
  assert.equal(await main(args, again), 0);
  assert.equal(server.requests.length, before, "a complete setup reruns without requests");
  assert.match(again.err.join(""), /coco: all COCO images present/);
});

test("gritloc setup verify exits 1 and names what is missing", async () => {
  const root = join(dir, "GRIT");
  await rm(join(root, "images/nyuv2/7.jpg"));
  const io = captureIo();
  assert.equal(
    await main(
      ["setup", "verify", "--root", root, "--samples", "ablation", "--manifest", fixture.manifestPath],
      io,
    ),
    1,
  );
  assert.match(io.out.join(""), / {2}nyuv2\s+20\s+19\s+1\s+0/);
  assert.match(
    io.out.join(""),
    /Incomplete: 1 missing, 0 corrupt\. Run `gritloc setup grit --root \S+ --subset ablation\|test` to fetch the missing and corrupt images of the known sources \(verify fetches nothing\)\. The list is in \S+setup-report\.json\.\n$/,
  );
  assert.match(io.err.join(""), /verify: nyuv2\/7\.jpg: \[E_NOT_FOUND\] missing: /);
});

test("setup usage errors exit 2 with the flag named", async () => {
  const cases: [string[], RegExp][] = [
    [["setup", "grit", "--subset", "ablation"], /--root is required\. Run with --help for usage\./],
    [
      ["setup", "grit", "--root", dir, "--subset", "val"],
      /Expected "ablation" or "test" for --subset but received "val"/,
    ],
    [
      ["setup", "grit", "--root", dir, "--subset", "test", "--sources", "coco,vg"],
      /Expected a comma list of coco, nyuv2, open_images, distorted for --sources but received "vg"/,
    ],
    [["setup", "grit", "--root", dir, "--subset", "ablaton"], /Did you mean "ablation"\?/],
    [
      ["setup", "grit", "--root", dir, "--subset", "test", "--task", "vqa"],
      /Expected "localization" for --task but received "vqa"/,
    ],
    [
      ["setup", "fetch", "--root", dir],
      /unknown action "fetch" for gritloc setup \(expected "grit" or "verify"\)/,
    ],
    [
      ["setup", "grit", "--root", dir, "--subset", "test", "--concurrency", "0"],
      /Expected an integer ≥ 1 for --concurrency but received "0"/,
    ],
  ];
  for (const [args, message] of cases) {
    const io = captureIo();
    assert.equal(await main(args, io), 2, args.join(" "));
    assert.match(io.err.join(""), message);
  }
});

test("a manifest with problems exits 1 listing them", async () => {
  const io = captureIo();
  const code = await main(
    ["setup", "grit", "--root", join(dir, "x"), "--subset", "test", "--manifest", join(dir, "missing.json")],
    io,
  );
  assert.equal(code, 1);
  assert.match(
    io.err.join(""),
    /error \[E_NOT_FOUND\]: manifest not found: .*missing\.json\. Check the --manifest path\./,
  );
});
