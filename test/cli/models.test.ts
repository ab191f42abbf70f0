import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { openClipCheckpoint } from "../../src/models/clip/checkpoint.js";
import { writeFixtureCheckpoint } from "../models/support/fixture-clip.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-cli-models-"));

test("gritloc models smoke writes a random CLIP checkpoint + config and says loudly it is random", async () => {
  const io = captureIo();
  assert.equal(
    await main(["models", "smoke", "--dir", join(dir, "smoke"), "--seed", "3"], io),
    0,
    io.err.join(""),
  );
  const [weights, config] = io.out.join("").trim().split("\n");
  assert.match(weights, /smoke-clip-seed3\.safetensors$/);
  assert.match(config, /smoke-clip-seed3\.json$/);
  assert.match(
    io.err.join(""),
    /WARNING: this is a RANDOM CLIP \(seed 3, \d+ parameters\), not a trained model/,
  );
  const checkpoint = await openClipCheckpoint(weights, { configPath: config });
  assert.equal(checkpoint.config.visionWidth, 32);
  assert.equal(checkpoint.config.transformerHeads, 2);
  // Same seed, same bytes: the generator uses integer arithmetic only.
  const again = captureIo();
  await main(["models", "smoke", "--dir", join(dir, "smoke2"), "--seed", "3"], again);
  assert.equal(
    checkpoint.sha256,
    createHash("sha256")
      .update(readFileSync(again.out.join("").split("\n")[0]))
      .digest("hex"),
  );
  checkpoint.close();
});

test("gritloc models fetch downloads from a manifest's URLs (127.0.0.1 here) and builds the cached graphs", async () => {
  const files = writeFixtureCheckpoint(join(dir), { naming: "huggingface" });
  const bodies: Record<string, Buffer> = {
    "/clip/model.safetensors": readFileSync(files.weights),
    "/clip/bpe.txt.gz": readFileSync(fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz")),
  };
  const server = createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-length": body?.length ?? 0 });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const manifest = join(dir, "models.json");
  const file = (name: string, path: string) => ({
    fileName: name,
    url: `${origin}${path}`,
    size: bodies[path].length,
    sha256: sha(bodies[path]),
  });
  writeFileSync(
    manifest,
    JSON.stringify({
      schemaVersion: 1,
      kind: "models",
      models: {
        "tiny-clip": {
          family: "clip",
          files: {
            weights: file("model.safetensors", "/clip/model.safetensors"),
            vocab: file("bpe.txt.gz", "/clip/bpe.txt.gz"),
          },
        },
      },
    }),
  );
  try {
    const io = captureIo();
    const cacheDir = join(dir, "cache");
    const argv = [
      "models",
      "fetch",
      "tiny-clip",
      "--dir",
      join(dir, "tiny"),
      "--manifest",
      manifest,
      "--cache-dir",
      cacheDir,
    ];
    assert.equal(await main([...argv, "--provider", "cpu"], io), 0, io.err.join(""));
    const out = io.out.join("");
    assert.match(out, /weights: .*tiny\/model\.safetensors/);
    assert.match(out, /vocab: .*tiny\/bpe\.txt\.gz/);
    assert.match(out, /graphs ready \(cpu\), 4M parameters/);
    assert.match(io.err.join(""), /weights: downloaded \(\d+ bytes\)/);
    assert.deepEqual(readFileSync(join(dir, "tiny", "model.safetensors")), bodies["/clip/model.safetensors"]);
    const graphs = readdirSync(join(cacheDir, "graphs")).filter((f) => f.endsWith(".onnx"));
    assert.deepEqual(graphs.map((f) => f.split("-").slice(0, -1).join("-")).sort(), [
      "clip-text",
      "slicvit-visual",
    ]);
  } finally {
    server.close();
  }
});

test("models usage errors name what is wrong", async () => {
  const cases: [string[], RegExp][] = [
    [["models"], /gritloc models needs an action: "smoke" or "fetch"\./],
    [["models", "train"], /unknown action "train" for gritloc models \(expected "smoke" or "fetch"\)/],
    [["models", "fetc", "clip-vit-l14"], /Did you mean 'gritloc models fetch'\?/],
    [
      ["models", "fetch", "clip-vit-l14", "--provider", "gpu"],
      /Expected "auto", "cpu" or "cuda" for --provider/,
    ],
    [["models", "fetch"], /Expected one model name after 'fetch'/],
    [["models", "smoke", "--seed", "x"], /Expected an integer ≥ 0 for --seed but received "x"/],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await main(argv, io), 2, argv.join(" "));
    assert.match(io.err.join(""), message);
  }
  const io = captureIo();
  assert.equal(
    await main(["models", "fetch", "no-such-model", "--manifest", join(dir, "models.json")], io),
    2,
  );
  assert.match(io.err.join(""), /for model name but received "no-such-model"/);
});
