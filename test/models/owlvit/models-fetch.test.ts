/**
 * `gritloc models fetch owlvit-b32` (alias of the manifest's owlvit-base-patch32): downloads weights, config,
 * preprocessor config and vocabulary from a manifest pointing at 127.0.0.1, then builds the cached OWL-ViT graphs;
 * the fetched files work as `--model owlvit` input. Also checks the bundled manifest's OWL-ViT entries.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { CliIo } from "../../../src/cli/command.js";
import { main } from "../../../src/cli/main.js";
import { loadModelsManifest } from "../../../src/data/models-manifest.js";
import { createLocalizer } from "../../../src/models/registry.js";
import { fixturePath } from "../../support/fixtures.js";
import { writeOwlVitCheckpoint } from "./support/owlvit-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-owlvit-fetch-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false };
}

test("the bundled models manifest lists the three OWL-ViT checkpoints with weights, configs and vocabulary", async () => {
  const manifest = await loadModelsManifest();
  for (const name of ["owlvit-base-patch32", "owlvit-base-patch16", "owlvit-large-patch14"]) {
    const entry = manifest.models[name];
    assert.equal(entry?.family, "owlvit", name);
    assert.deepEqual(
      Object.keys(entry.files).sort(),
      ["config", "preprocessorConfig", "vocab", "weights"],
      name,
    );
    assert.match(
      entry.files.weights.url,
      /^https:\/\/huggingface\.co\/google\/owlvit-.*\/model\.safetensors$/,
    );
  }
});

test("gritloc models fetch owlvit-b32 downloads the files and builds the graphs; the files run as --model owlvit", async () => {
  const files = writeOwlVitCheckpoint("owlvit", dir);
  const bodies: Record<string, Buffer> = {
    "/owl/model.safetensors": readFileSync(files.weights),
    "/owl/config.json": readFileSync(files.config),
    "/owl/preprocessor_config.json": readFileSync(fixturePath("owlvit", "preprocessor_config.json")),
    "/owl/bpe.txt.gz": readFileSync(files.vocab),
  };
  const server = createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-length": body?.length ?? 0 });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = (fileName: string, path: string) => ({
    fileName,
    url: `${origin}${path}`,
    size: bodies[path].length,
    sha256: createHash("sha256").update(bodies[path]).digest("hex"),
  });
  const manifest = join(dir, "models.json");
  writeFileSync(
    manifest,
    JSON.stringify({
      schemaVersion: 1,
      kind: "models",
      models: {
        "owlvit-base-patch32": {
          family: "owlvit",
          files: {
            weights: file("model.safetensors", "/owl/model.safetensors"),
            config: file("config.json", "/owl/config.json"),
            preprocessorConfig: file("preprocessor_config.json", "/owl/preprocessor_config.json"),
            vocab: file("bpe_simple_vocab_16e6.txt.gz", "/owl/bpe.txt.gz"),
          },
        },
      },
    }),
  );
  try {
    const io = captureIo();
    const target = join(dir, "owlvit-base-patch32");
    const cacheDir = join(dir, "cache");
    const argv = ["models", "fetch", "owlvit-b32", "--dir", target, "--manifest", manifest];
    assert.equal(await main([...argv, "--cache-dir", cacheDir, "--provider", "cpu"], io), 0, io.err.join(""));
    const out = io.out.join("");
    for (const name of [
      "model.safetensors",
      "config.json",
      "preprocessor_config.json",
      "bpe_simple_vocab_16e6.txt.gz",
    ]) {
      assert.match(out, new RegExp(`: .*owlvit-base-patch32/${name.replaceAll(".", "\\.")}\\n`));
    }
    assert.match(out, /graphs ready \(cpu\), 3\.\d+M parameters/);
    const graphs = readdirSync(join(cacheDir, "graphs")).filter((f) => f.endsWith(".onnx"));
    assert.deepEqual(graphs.map((f) => f.split("-").slice(0, -1).join("-")).sort(), [
      "owlvit-image",
      "owlvit-text",
    ]);
    const localizer = await createLocalizer(
      {
        family: "owlvit",
        weights: join(target, "model.safetensors"),
        config: join(target, "config.json"),
        preprocessorConfig: join(target, "preprocessor_config.json"),
        vocab: join(target, "bpe_simple_vocab_16e6.txt.gz"),
      },
      { provider: "cpu", cacheDir },
    );
    assert.equal(localizer.info.model, "owlvit-base-patch32");
    assert.deepEqual(
      readdirSync(join(cacheDir, "graphs")).filter((f) => f.endsWith(".onnx")).length,
      2,
      "graphs reused",
    );
    await localizer.dispose();
  } finally {
    server.close();
  }
});

test("an owlvit ModelSpec without its config is E_INVALID_OPTION naming spec.config", async () => {
  await assert.rejects(
    createLocalizer({ family: "owlvit", weights: "w.safetensors", vocab: "v.gz" } as never),
    /Expected a file path for spec\.config but received undefined/,
  );
});
