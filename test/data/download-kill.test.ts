import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { downloadFile } from "../../src/data/download-file.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { startTestServer } from "./support/test-server.js";

test("kill -9 of a downloading process, then a rerun: completes from the .part, no corrupt file", async () => {
  const server = await startTestServer();
  const dir = await mkdtemp(join(tmpdir(), "gritloc-kill-"));
  try {
    const body = randomBytes(2_000_000);
    const sha = createHash("sha256").update(body).digest("hex");
    server.routes.set("/big.bin", { body, etag: '"k1"', throttle: { chunk: 16_384, intervalMs: 15 } });
    const path = join(dir, "big.bin");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "test/data/support/download-child.ts"),
        server.url("/big.bin"),
        path,
        sha,
      ],
      { cwd: REPO_ROOT, stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_code, signal) => resolve(signal)),
    );
    // Wait until a good part of the body has been sent, then kill the child without any chance to clean up.
    for (let i = 0; i < 600 && server.bytesSent("/big.bin") < 500_000; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(server.bytesSent("/big.bin") >= 500_000, "the child never got going");
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    assert.equal(existsSync(path), false, "no file may appear at the destination before it is verified");
    const had = statSync(`${path}.part`).size;
    assert.ok(had > 0 && had < body.length, `part size ${had}`);

    server.routes.set("/big.bin", { body, etag: '"k1"' });
    const result = await downloadFile(server.url("/big.bin"), path, { sha256: sha });
    const resumed = server.requestsFor("/big.bin").at(-1);
    assert.equal(resumed?.headers.range, `bytes=${had}-`);
    assert.equal(result.sha256, sha);
    assert.deepEqual(await readFile(path), body);
    assert.equal(existsSync(`${path}.part`), false);
    assert.equal(existsSync(`${path}.part.json`), false);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
