import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fetchModelFiles, type ModelFileEvent } from "../../src/data/fetch-model.js";
import { loadModelsManifest, parseModelsManifest } from "../../src/data/models-manifest.js";
import { isGritlocError } from "../../src/errors.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

let server: TestServer;
let dir: string;
const weights = randomBytes(150_000);
const vocab = randomBytes(4_000);
const config = Buffer.from('{"model_type":"owlvit"}\n');

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function manifestJson(origin: string) {
  return {
    schemaVersion: 1,
    kind: "models",
    models: {
      "tiny-clip": {
        family: "clip",
        files: {
          weights: {
            fileName: "model.safetensors",
            url: `${origin}/m/model.safetensors`,
            size: weights.length,
            sha256: sha(weights),
          },
          vocab: {
            fileName: "bpe.txt.gz",
            url: `${origin}/m/bpe.txt.gz`,
            size: vocab.length,
            sha256: sha(vocab),
          },
          config: { fileName: "config.json", url: `${origin}/m/config.json`, size: null, sha256: null },
        },
      },
    },
  };
}

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-models-"));
  server.routes.set("/m/model.safetensors", {
    body: weights,
    etag: '"w"',
    plan: [{ kind: "drop", afterBytes: 60_000 }],
  });
  server.routes.set("/m/bpe.txt.gz", { body: vocab });
  server.routes.set("/m/config.json", { body: config });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test("fetchModelFiles downloads every file of a model from a manifest file and returns paths by role", async () => {
  const manifestPath = join(dir, "models.json");
  await writeFile(manifestPath, JSON.stringify(manifestJson(server.origin)));
  const events: ModelFileEvent[] = [];
  const modelDir = join(dir, "tiny-clip");
  const fetched = await fetchModelFiles("tiny-clip", {
    dir: modelDir,
    manifest: manifestPath,
    onProgress: (e) => events.push(e),
  });
  assert.equal(fetched.name, "tiny-clip");
  assert.equal(fetched.family, "clip");
  assert.deepEqual(fetched.files, {
    weights: join(modelDir, "model.safetensors"),
    vocab: join(modelDir, "bpe.txt.gz"),
    config: join(modelDir, "config.json"),
  });
  assert.deepEqual(await readFile(fetched.files.weights as string), weights);
  assert.deepEqual(await readFile(fetched.files.config as string), config);
  // The weights resumed after the dropped connection.
  assert.equal(server.requestsFor("/m/model.safetensors")[1]?.headers.range, "bytes=60000-");
  const done = events.filter((e) => e.type === "download-done");
  assert.deepEqual(
    done.map((e) => [e.role, e.type === "download-done" && e.recorded]),
    [
      ["weights", true],
      ["vocab", true],
      ["config", false],
    ],
  );
  // The config had no recorded checksum: its measured value is reported so it can be recorded.
  const configDone = done.find((e) => e.role === "config");
  assert.equal(configDone?.type === "download-done" && configDone.sha256, sha(config));
});

test("a second fetchModelFiles makes no request", async () => {
  const before = server.requests.length;
  const fetched = await fetchModelFiles("tiny-clip", {
    dir: join(dir, "tiny-clip"),
    manifest: parseModelsManifest(manifestJson(server.origin), "inline"),
  });
  assert.equal(server.requests.length, before);
  assert.equal(fetched.family, "clip");
});

test("an unknown model name lists the known ones", async () => {
  await assert.rejects(
    fetchModelFiles("ViT-L/14", { manifest: join(dir, "models.json") }),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_INVALID_OPTION"));
      assert.equal(
        error.message,
        'Expected one of tiny-clip for model name but received "ViT-L/14" of type string',
      );
      return true;
    },
  );
});

test("the bundled models manifest is valid and names the CLIP, OWL-ViT and RegionCLIP files", async () => {
  const manifest = await loadModelsManifest();
  assert.deepEqual(Object.keys(manifest.models).sort(), [
    "clip-vit-large-patch14",
    "owlvit-base-patch16",
    "owlvit-base-patch32",
    "owlvit-large-patch14",
    "regionclip-rn50",
    "regionclip-rn50x4",
  ]);
  const clip = manifest.models["clip-vit-large-patch14"];
  assert.equal(
    clip?.files.weights?.url,
    "https://huggingface.co/openai/clip-vit-large-patch14/resolve/main/model.safetensors",
  );
  assert.equal(clip?.files.vocab?.fileName, "bpe_simple_vocab_16e6.txt.gz");
});
