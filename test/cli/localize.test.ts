import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { heatmapPath } from "../../src/cli/localize.js";
import { main } from "../../src/cli/main.js";
import { slicVitCases, writeFixtureCheckpoint } from "../models/support/fixture-clip.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-cli-localize-"));
const cacheDir = join(dir, "cache");
const vocab = fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz");
// Every fixture folder shaped like slicvit/ (slicvit, slicvit_seed7, ...): a held-out model dropped in the same
// format is checked the same way.
const folders = readdirSync(fixturePath()).filter(
  (f) => f.startsWith("slicvit") && existsSync(fixturePath(f, "cases.json")),
);

for (const folder of folders) {
  // Fixture: <folder>/cases.json bbox_orig, from upstream SLICViT.forward on the original image. This runs the
  // whole pipeline — decode, PIL-exact resize, SLIC port, ONNX model, heatmap, box search — via `gritloc localize`.
  test(`gritloc localize --json reproduces upstream's boxes for every image and query of ${folder}/`, async () => {
    const cases = slicVitCases(folder);
    mkdirSync(join(dir, folder), { recursive: true });
    const checkpoint = writeFixtureCheckpoint(join(dir, folder), { folder });
    for (const image of cases.images) {
      const imagePath = join(dirname(fixturePath(folder, "cases.json")), image.orig_image);
      const io = captureIo();
      const queries = image.queries.flatMap((q) => ["--query", q.query]);
      const argv = [
        "localize",
        "--weights",
        checkpoint.weights,
        "--config",
        checkpoint.config,
        "--vocab",
        vocab,
      ];
      const code = await main(
        [...argv, "--image", imagePath, ...queries, "--json", "--provider", "cpu", "--cache-dir", cacheDir],
        io,
      );
      assert.equal(code, 0, io.err.join(""));
      const json = JSON.parse(io.out.join(""));
      assert.equal(json.image, imagePath);
      assert.deepEqual([json.height, json.width], image.orig_hw);
      assert.deepEqual(
        json.results.map((r: { query: string }) => r.query),
        image.queries.map((q) => q.query),
      );
      for (const [i, q] of image.queries.entries()) {
        assert.deepEqual(json.results[i].bboxes, [q.bbox_orig], `${folder}/${image.name} "${q.query}"`);
        assert.equal(json.results[i].confidence, 0.5);
      }
    }
  });
}

test("the smoke model needs no weights; --heatmap writes one overlay PNG per query", async () => {
  const io = captureIo();
  const heat = join(dir, "heat.png");
  const argv = [
    "localize",
    "--model",
    "smoke",
    "--image",
    fixturePath("slic", "coffee_orig.png"),
    "-q",
    "cup",
    "-q",
    "spoon",
  ];
  const code = await main(
    [...argv, "--heatmap", heat, "--cache-dir", cacheDir, "--n-segments", "100,200"],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  const text = io.out.join("");
  assert.match(text, /coffee_orig\.png \(600×400\), model smoke \(random, seed 0\) \(RANDOM smoke model\)/);
  assert.match(text, /"cup": \[[\d., ]+\] confidence 0\.5/);
  assert.match(io.err.join(""), /RANDOM weights/);
  for (const path of [join(dir, "heat-q1.png"), join(dir, "heat-q2.png")]) {
    assert.deepEqual([...readFileSync(path).subarray(1, 4)], [0x50, 0x4e, 0x47], `${path} is a PNG`);
  }
});

test("heatmap file names get a query suffix only when there are several queries", () => {
  assert.equal(heatmapPath("out.png", 0, 1), "out.png");
  assert.equal(heatmapPath("out.png", 1, 3), "out-q2.png");
  assert.equal(heatmapPath("out", 0, 2), "out-q1");
});

test("usage errors exit 2 and name the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["localize", "--model", "smoke", "-q", "x"], /--image is required\. /],
    [["localize", "--model", "smoke", "--image", "a.png"], /--query is required \(-q TEXT, one or more\)/],
    [
      ["localize", "--model", "smoke", "--image", "a.png", "-q", ""],
      /Expected a non-empty text for --query but received ""/,
    ],
    [
      ["localize", "--model", "owl", "--image", "a.png", "-q", "x"],
      /"slicvit", "smoke", "owlvit" or "regionclip" for --model but received "owl" of type string\. Did you mean owlvit\?/,
    ],
    [
      ["localize", "--image", "a.png", "-q", "x", "--vocab", vocab],
      /--weights is required with --model slicvit\. /,
    ],
    [
      ["localize", "--model", "smoke", "--image", "a.png", "-q", "x", "--threads", "0"],
      /an integer ≥ 1 for --threads/,
    ],
    [["localize", "--bogus"], /unknown flag --bogus\. Run with --help for usage\./],
    // Checked before the (missing) image is decoded and the (missing) weights are read.
    [
      [
        "localize",
        "--weights",
        "/nope.safetensors",
        "--vocab",
        "/nope",
        "--image",
        "/nope.png",
        "-q",
        "x",
      ].concat(["--alpha=-1"]),
      /Expected a finite number ≥ 0 for alpha but received -1/,
    ],
    [["localize", "--imgae", "a.png"], /unknown flag --imgae\. Did you mean --image\? /],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await main(argv, io), 2, argv.join(" "));
    assert.match(io.err.join(""), message, argv.join(" "));
  }
});

test("a missing image fails with E_IMAGE_DECODE naming the file", async () => {
  const io = captureIo();
  const missing = join(dir, "nope.jpg");
  assert.equal(
    await main(["localize", "--model", "smoke", "--image", missing, "-q", "x", "--cache-dir", cacheDir], io),
    1,
  );
  assert.match(io.err.join(""), /error \[E_(IMAGE_DECODE|NOT_FOUND)\]: .*nope\.jpg/);
});
