import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { createRunFixture, type RunFixture } from "../run/support/run-fixture.js";
import { startTestWorker } from "../run/support/start-test-worker.js";
import { captureIo } from "../support/cli-io.js";

const fixtures: RunFixture[] = [];
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

test("gritloc merge writes localization.json and a zip and reports the counts", async () => {
  const f = await createRunFixture({ samples: 8, perImage: 2 });
  fixtures.push(f);
  await startTestWorker(f).done;
  const out = join(f.root, "localization.json.out");
  const zip = join(f.root, "ablation.zip");
  const io = captureIo();
  const code = await main(
    [
      "merge",
      "--run",
      f.runDir,
      "--samples",
      f.samplesPath,
      "--out",
      out,
      "--zip",
      zip,
      "--subset",
      "ablation",
    ],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  const text = io.out.join("");
  assert.match(text, /merged 1 journal of test\/deterministic: 8\/8 samples predicted, 0 done twice/);
  assert.match(text, new RegExp(`wrote ${out.replaceAll(".", "\\.")}`));
  assert.equal(JSON.parse(await readFile(out, "utf8")).length, 8);
  assert.ok((await readFile(zip)).length > 0);
});

test("gritloc merge of an incomplete run exits 1 with E_RUN_INCOMPLETE; --allow-partial lists what is missing", async () => {
  const f = await createRunFixture({ samples: 8, perImage: 1 });
  fixtures.push(f);
  await startTestWorker(f, { limit: 6 }).done;
  const out = join(f.root, "partial.json");
  const io = captureIo();
  assert.equal(await main(["merge", "--run", f.runDir, "--samples", f.samplesPath, "--out", out], io), 1);
  assert.match(
    io.err.join(""),
    /error \[E_RUN_INCOMPLETE\]: Run .* is incomplete: 2 of 8 samples have no prediction/,
  );
  const partial = captureIo();
  const args = ["merge", "--run", f.runDir, "--samples", f.samplesPath, "--out", out, "--allow-partial"];
  assert.equal(await main(args, partial), 0);
  assert.match(partial.out.join(""), /6\/8 samples predicted/);
  assert.match(
    partial.out.join(""),
    /2 never run \(empty predictions written\):\n {2}coco_loc_test-reserve_\w+_6\n/,
  );
});

test("gritloc merge checks its flags before reading anything", async () => {
  const io = captureIo();
  assert.equal(await main(["merge", "--run", "r", "--samples", "s"], io), 2);
  assert.match(io.err.join(""), /--out is required \(or --zip FILE\)\. /);
  const zipIo = captureIo();
  assert.equal(await main(["merge", "--run", "r", "--samples", "s", "--zip", "a.zip"], zipIo), 2);
  assert.match(zipIo.err.join(""), /--subset is required with --zip\. /);
  const subsetIo = captureIo();
  assert.equal(
    await main(["merge", "--run", "r", "--samples", "s", "--out", "o", "--subset", "test"], subsetIo),
    2,
  );
  assert.match(
    subsetIo.err.join(""),
    /--subset goes with --zip FILE \(it describes the zip\), and no --zip was given/,
  );
});
