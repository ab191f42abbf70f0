import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { startTestServer, type TestServer } from "../data/support/test-server.js";
import { buildProxyFixture, type ProxyFixture } from "../proxy/support/proxy-fixture.js";
import { captureIo } from "../support/cli-io.js";

let server: TestServer;
let dir: string;
let fixture: ProxyFixture;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-proxy-cli-"));
  fixture = await buildProxyFixture(server, dir);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test("gritloc proxy build --size small → infer --model smoke → merge → score: every partition is scored", async () => {
  const root = join(dir, "proxy");
  const build = captureIo();
  const code = await main(
    ["proxy", "build", "--root", root, "--size", "small", "--manifest", fixture.manifestPath],
    build,
  );
  const out = build.out.join("");
  assert.equal(code, 0, build.err.join("") + out);
  // The synthetic inputs cannot fill "small": the build takes what they allow and says so.
  assert.match(out, /GRIT-proxy \(small, seed 0\): \d+ samples/);
  assert.match(out, /short: coco: \d+ of 175 samples/);
  assert.match(out, /partitions: sameSrc \d+, newSrc \d+, sameCpt \d+, newCpt \d+, dist \d+, undist \d+/);
  assert.match(out, /not comparable in absolute terms to GRIT leaderboard numbers/);
  const report = JSON.parse(await readFile(join(root, "proxy-report.json"), "utf8"));
  assert.ok(report.shortfalls.length >= 1);
  assert.ok(report.twins.length >= 2);

  const samples = join(root, "samples/proxy/localization.json");
  const run = join(dir, "run");
  const infer = captureIo();
  const inferArgs = ["infer", "--samples", samples, "--images", join(root, "images"), "--run", run];
  const smoke = ["--model", "smoke", "--n-segments", "8", "--threads", "1", "--model-threads", "1"];
  assert.equal(await main([...inferArgs, ...smoke], infer), 0, infer.err.join(""));

  const predictions = join(dir, "localization.json");
  const merge = captureIo();
  assert.equal(
    await main(["merge", "--run", run, "--samples", samples, "--out", predictions], merge),
    0,
    merge.err.join(""),
  );
  assert.ok(existsSync(predictions));

  const score = captureIo();
  const groundTruth = join(root, "ground-truth/proxy/localization.json");
  const scoreArgs = [
    "score",
    "--samples",
    groundTruth,
    "--predictions",
    predictions,
    "--params-millions",
    "1",
  ];
  assert.equal(await main([...scoreArgs, "--json"], score), 0, score.err.join(""));
  const metrics = JSON.parse(score.out.join("")) as Record<string, number>;
  for (const partition of ["sameSrc", "newSrc", "sameCpt", "newCpt", "dist", "undist", "deldist", "agg"]) {
    const value = metrics[`acc.any.${partition}.loc.mean`];
    assert.ok(typeof value === "number" && Number.isFinite(value), `${partition}: ${value}`);
    if (partition !== "agg") assert.ok((metrics[`acc.any.${partition}.loc.cnt`] as number) >= 2, partition);
  }
  assert.equal(metrics["acc.any.dist.loc.cnt"], report.twins.length);
  const table = captureIo();
  assert.equal(await main([...scoreArgs, "--ap"], table), 0, table.err.join(""));
  const text = table.out.join("");
  assert.match(text, /UNOFFICIAL, PROXY ground truth/);
  assert.match(text, /deldist/);
  assert.match(text, /COCO-style AP \(%\)/);
  for (const partition of ["sameSrc", "newSrc", "dist", "undist"]) {
    assert.match(
      text,
      new RegExp(`\\n {2}${partition} +[\\d.]+ +[\\d.]+ +[\\d.]+`),
      `AP row for ${partition}`,
    );
  }

  // visualize reads the proxy's ground truth and images (twins included) as it reads GRIT's.
  const html = join(dir, "report.html");
  const twinId = report.twins[0].exampleId as string;
  const viz = captureIo();
  const vizArgs = [
    "visualize",
    "--samples",
    groundTruth,
    "--predictions",
    predictions,
    "--images",
    join(root, "images"),
  ];
  assert.equal(await main([...vizArgs, "--out", html, "--ids", twinId], viz), 0, viz.err.join(""));
  assert.match(await readFile(html, "utf8"), new RegExp(twinId));
});

test("gritloc proxy refuses an unknown action, size, a rule without a value or a contradicting rule", async () => {
  const action = captureIo();
  assert.equal(await main(["proxy", "make", "--root", dir], action), 2);
  assert.match(
    action.err.join(""),
    /E_INVALID_OPTION.*unknown action "make" for gritloc proxy \(expected "build"\)/,
  );
  const size = captureIo();
  assert.equal(await main(["proxy", "build", "--root", dir, "--size", "huge"], size), 2);
  assert.match(size.err.join(""), /Expected "small" or "full" for --size but received "huge"/);
  const near = captureIo();
  assert.equal(await main(["proxy", "build", "--root", dir, "--size", "smal"], near), 2);
  assert.match(near.err.join(""), /Did you mean "small"\?/);
  const rule = captureIo();
  assert.equal(
    await main(["proxy", "build", "--root", dir, "--rule", "openImagesNegatives=no-box"], rule),
    2,
  );
  assert.match(
    rule.err.join(""),
    /Expected "verified-absent".* for rules\.openImagesNegatives but received "no-box"/,
  );
  const noValue = captureIo();
  assert.equal(await main(["proxy", "build", "--root", dir, "--rule", "openImagesGroupOf"], noValue), 2);
  assert.match(
    noValue.err.join(""),
    /Expected NAME=VALUE \(e\.g\. --rule openImagesGroupOf=drop\) for --rule but received "openImagesGroupOf"/,
  );
});
