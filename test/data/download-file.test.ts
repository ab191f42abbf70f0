import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { DownloadEvent } from "../../src/data/download-events.js";
import { downloadFile } from "../../src/data/download-file.js";
import { isGritlocError } from "../../src/errors.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

let server: TestServer;
let dir: string;
const FAST = { retryDelayMs: 2, maxRetryDelayMs: 10 };

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-dl-"));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function leftovers(path: string): string[] {
  return [path, `${path}.part`, `${path}.part.json`].filter((p) => existsSync(p));
}

test("downloads over http, checks size and sha256, and reports start, progress and done", async () => {
  const body = randomBytes(200_000);
  server.routes.set("/a.bin", { body, etag: '"a1"' });
  const events: DownloadEvent[] = [];
  const path = join(dir, "sub", "a.bin");
  const result = await downloadFile(server.url("/a.bin"), path, {
    size: body.length,
    sha256: sha(body),
    onEvent: (e) => events.push(e),
  });
  assert.deepEqual(await readFile(path), body);
  assert.equal(result.sha256, sha(body));
  assert.equal(result.recorded, true);
  assert.equal(result.reused, false);
  assert.deepEqual(leftovers(path), [path]);
  assert.equal(events[0]?.type, "download-start");
  assert.equal(events.at(-1)?.type, "download-done");
});

test("follows redirects, relative and absolute", async () => {
  const body = randomBytes(5000);
  server.routes.set("/r/final.bin", { body });
  server.routes.set("/r/hop2", {
    body: new Uint8Array(),
    plan: [{ kind: "redirect", to: server.url("/r/final.bin"), status: 301 }],
  });
  server.routes.set("/r/hop1", {
    body: new Uint8Array(),
    plan: [{ kind: "redirect", to: "hop2", status: 307 }],
  });
  const path = join(dir, "redirected.bin");
  await downloadFile(server.url("/r/hop1"), path, { sha256: sha(body) });
  assert.deepEqual(await readFile(path), body);
  assert.equal(server.requestsFor("/r/final.bin").length, 1);
});

test("a connection dropped mid-body resumes from the byte it had, with If-Range", async () => {
  const body = randomBytes(300_000);
  server.routes.set("/drop.bin", { body, etag: '"d1"', plan: [{ kind: "drop", afterBytes: 123_457 }] });
  const path = join(dir, "drop.bin");
  const events: DownloadEvent[] = [];
  await downloadFile(server.url("/drop.bin"), path, {
    ...FAST,
    sha256: sha(body),
    onEvent: (e) => events.push(e),
  });
  const seen = server.requestsFor("/drop.bin");
  assert.equal(seen.length, 2);
  assert.equal(seen[0]?.headers.range, undefined);
  assert.equal(seen[1]?.headers.range, "bytes=123457-");
  assert.equal(seen[1]?.headers["if-range"], '"d1"');
  assert.deepEqual(await readFile(path), body);
  assert.deepEqual(leftovers(path), [path]);
  const starts = events.filter((e) => e.type === "download-start");
  assert.deepEqual(
    starts.map((e) => e.resumeFrom),
    [0, 123_457],
  );
  // Only the missing bytes travelled the second time.
  assert.equal(server.bytesSent("/drop.bin"), 300_000);
});

test("500 and 503 answers are retried with backoff until the download succeeds", async () => {
  const body = randomBytes(10_000);
  server.routes.set("/flaky.bin", {
    body,
    plan: [
      { kind: "status", status: 500 },
      { kind: "status", status: 503 },
    ],
  });
  const retries: DownloadEvent[] = [];
  const path = join(dir, "flaky.bin");
  await downloadFile(server.url("/flaky.bin"), path, {
    ...FAST,
    sha256: sha(body),
    onEvent: (e) => e.type === "download-retry" && retries.push(e),
  });
  assert.equal(server.requestsFor("/flaky.bin").length, 3);
  assert.deepEqual(
    retries.map((e) => (e.type === "download-retry" ? [e.attempt, e.reason] : null)),
    [
      [1, `${server.url("/flaky.bin")} answered HTTP 500`],
      [2, `${server.url("/flaky.bin")} answered HTTP 503`],
    ],
  );
  assert.deepEqual(await readFile(path), body);
});

test("wrong bytes are deleted and fetched again; they are never at the destination", async () => {
  const body = randomBytes(50_000);
  server.routes.set("/wrong-once.bin", { body, plan: [{ kind: "wrong-bytes" }] });
  const path = join(dir, "wrong-once.bin");
  const atRetry: string[][] = [];
  await downloadFile(server.url("/wrong-once.bin"), path, {
    ...FAST,
    size: body.length,
    sha256: sha(body),
    onEvent: (e) => e.type === "download-retry" && atRetry.push(leftovers(path)),
  });
  assert.deepEqual(atRetry, [[]]);
  assert.equal(server.requestsFor("/wrong-once.bin").length, 2);
  assert.deepEqual(await readFile(path), body);
});

test("bytes that stay wrong fail with E_CHECKSUM after the retries and leave nothing behind", async () => {
  const body = randomBytes(20_000);
  const wrong = Array.from({ length: 5 }, () => ({ kind: "wrong-bytes" }) as const);
  server.routes.set("/always-wrong.bin", { body, plan: [...wrong] });
  const path = join(dir, "always-wrong.bin");
  await assert.rejects(
    downloadFile(server.url("/always-wrong.bin"), path, { ...FAST, retries: 2, sha256: sha(body) }),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_CHECKSUM"));
      assert.match(
        error.message,
        /always-wrong\.bin: expected \? bytes with sha256 [0-9a-f]{64}, got 20000 bytes/,
      );
      assert.match(error.message, /\(3 attempts\); the bytes were deleted/);
      const details = error.details as { actual: { size: number; sha256: string } };
      assert.equal(details.actual.size, 20_000);
      assert.notEqual(details.actual.sha256, sha(body));
      return true;
    },
  );
  assert.equal(server.requestsFor("/always-wrong.bin").length, 3);
  assert.deepEqual(leftovers(path), []);
});

test("a server that ignores Range gets a clean restart from byte 0", async () => {
  const body = randomBytes(200_000);
  server.routes.set("/norange.bin", {
    body,
    etag: '"n1"',
    ignoreRange: true,
    plan: [{ kind: "drop", afterBytes: 70_000 }],
  });
  const path = join(dir, "norange.bin");
  const events: DownloadEvent[] = [];
  await downloadFile(server.url("/norange.bin"), path, {
    ...FAST,
    sha256: sha(body),
    onEvent: (e) => events.push(e),
  });
  const seen = server.requestsFor("/norange.bin");
  assert.equal(seen[1]?.headers.range, "bytes=70000-");
  assert.deepEqual(
    events.filter((e) => e.type === "download-start").map((e) => e.resumeFrom),
    [0, 0],
  );
  assert.deepEqual(await readFile(path), body);
});

test("a remote file that changed between attempts (new ETag) restarts instead of splicing", async () => {
  const v1 = randomBytes(100_000);
  const v2 = randomBytes(120_000);
  const route = { body: v1, etag: '"v1"', plan: [{ kind: "drop", afterBytes: 40_000 }] as const };
  server.routes.set("/changing.bin", { ...route, plan: [...route.plan] });
  const path = join(dir, "changing.bin");
  const events: DownloadEvent[] = [];
  const done = downloadFile(server.url("/changing.bin"), path, {
    retryDelayMs: 50,
    maxRetryDelayMs: 50,
    onEvent: (e) => {
      events.push(e);
      // The remote file is replaced while the client waits to retry.
      if (e.type === "download-retry") server.routes.set("/changing.bin", { body: v2, etag: '"v2"' });
    },
  });
  const result = await done;
  assert.equal(server.requestsFor("/changing.bin")[1]?.headers["if-range"], '"v1"');
  assert.deepEqual(await readFile(path), v2);
  assert.equal(result.sha256, sha(v2));
  assert.equal(result.recorded, false);
});

test("HTTP 404 fails at once with E_DOWNLOAD carrying the status", async () => {
  const path = join(dir, "missing.bin");
  await assert.rejects(downloadFile(server.url("/nothing-here.bin"), path, FAST), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_DOWNLOAD"));
    assert.deepEqual(error.details, { url: server.url("/nothing-here.bin"), status: 404 });
    assert.match(error.message, /answered HTTP 404: the file is not served there/);
    return true;
  });
  assert.equal(server.requestsFor("/nothing-here.bin").length, 1);
});

test("a server that keeps failing gives E_DOWNLOAD after the retries, naming the attempts", async () => {
  server.routes.set("/down.bin", {
    body: randomBytes(10),
    plan: Array.from({ length: 10 }, () => ({ kind: "status", status: 502 }) as const),
  });
  await assert.rejects(
    downloadFile(server.url("/down.bin"), join(dir, "down.bin"), { ...FAST, retries: 3 }),
    /download of .*\/down\.bin failed after 4 attempts: .* answered HTTP 502\. Check the network and rerun/,
  );
});

test("an existing verified file is reused without a request; a corrupt one is replaced", async () => {
  const body = randomBytes(30_000);
  server.routes.set("/cached.bin", { body });
  const path = join(dir, "cached.bin");
  await downloadFile(server.url("/cached.bin"), path, { sha256: sha(body), size: body.length });
  const again = await downloadFile(server.url("/cached.bin"), path, { sha256: sha(body), size: body.length });
  assert.equal(again.reused, true);
  assert.equal(server.requestsFor("/cached.bin").length, 1);
  await writeFile(path, randomBytes(30_000));
  const repaired = await downloadFile(server.url("/cached.bin"), path, {
    sha256: sha(body),
    size: body.length,
  });
  assert.equal(repaired.reused, false);
  assert.deepEqual(await readFile(path), body);
  assert.equal(server.requestsFor("/cached.bin").length, 2);
});

test("an md5-only file (as Open Images publishes) is checked by md5, resumed with md5, and reused by its stamp", async () => {
  const body = randomBytes(40_000);
  const md5 = createHash("md5").update(body).digest("hex");
  server.routes.set("/md5.csv", { body, etag: '"v1"', plan: [{ kind: "drop", afterBytes: 15_000 }] });
  const path = join(dir, "md5.csv");
  const result = await downloadFile(server.url("/md5.csv"), path, { ...FAST, size: body.length, md5 });
  assert.deepEqual([result.md5, result.sha256, result.reused], [md5, sha(body), false]);
  assert.equal(server.requestsFor("/md5.csv").length, 2, "one drop, one resumed request");
  const again = await downloadFile(server.url("/md5.csv"), path, { size: body.length, md5 });
  assert.deepEqual([again.reused, again.md5], [true, md5]);
  assert.equal(server.requestsFor("/md5.csv").length, 2);
  // A file in place with the right size but other bytes fails the md5 and is fetched again.
  await writeFile(path, randomBytes(40_000));
  const repaired = await downloadFile(server.url("/md5.csv"), path, { size: body.length, md5 });
  assert.equal(repaired.reused, false);
  assert.deepEqual(await readFile(path), body);
});

test("bytes whose md5 differs fail with E_CHECKSUM naming both md5s", async () => {
  const body = randomBytes(5_000);
  server.routes.set("/bad-md5.csv", { body });
  const path = join(dir, "bad-md5.csv");
  await assert.rejects(
    downloadFile(server.url("/bad-md5.csv"), path, { ...FAST, md5: "0".repeat(32) }),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_CHECKSUM"));
      const md5 = createHash("md5").update(body).digest("hex");
      assert.match(
        error.message,
        new RegExp(`and md5 0{32}, got 5000 bytes with sha256 [0-9a-f]{64} and md5 ${md5}`),
      );
      return true;
    },
  );
  assert.deepEqual(leftovers(path), []);
  await assert.rejects(
    downloadFile(server.url("/x"), join(dir, "x"), { md5: "xyz" }),
    /32 hex digits or null for md5/,
  );
});

test("invalid arguments are rejected before any request", async () => {
  await assert.rejects(
    downloadFile("ftp://x/y", join(dir, "x")),
    /Expected an http\(s\) URL for url but received "ftp:\/\/x\/y"/,
  );
  await assert.rejects(
    downloadFile(server.url("/a.bin"), join(dir, "x"), { sha256: "abc" }),
    /Expected 64 hex digits or null for sha256 but received "abc"/,
  );
  await assert.rejects(
    downloadFile(server.url("/a.bin"), join(dir, "x"), { size: -1 }),
    /Expected a byte count \(integer ≥ 0\) or null for size but received -1/,
  );
});
