/**
 * Google Drive downloads against a 127.0.0.1 server that imitates Drive: the virus-scan interstitial (the
 * current download form with confirm=t + uuid, and the older confirm= link with its download_warning cookie),
 * Drive's error page, and shared-folder listings (`embeddedfolderview`). Verification stays as strict as for
 * any other URL.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { downloadFile } from "../../src/data/download-file.js";
import { fetchModelFiles } from "../../src/data/fetch-model.js";
import { driveConfirmationUrl, isGoogleDriveFolderFile } from "../../src/data/google-drive.js";
import { loadModelsManifest, parseModelsManifest } from "../../src/data/models-manifest.js";
import { writePartState } from "../../src/data/part-state.js";

const big = randomBytes(300_000);
const old = randomBytes(50_000);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const FILE_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const OLD_ID = "1OldStyleConfirmLink0123456789abcd";
const GONE_ID = "1QuotaExceededFile0123456789abcdef";
const ROOT = "1hzrJBvcCrahoRcqJRqzkIGFO_HUSJIii";
const SUB = "1SubFolderRegionclip0123456789abcd";
const UUID = "0d2f5a4e-uuid";
const TOKEN = "Xy7_token";

let server: Server;
let origin: string;
let dir: string;
const log: { path: string; cookie?: string; range?: string }[] = [];

function page(body: string): [number, Record<string, string>, string] {
  return [
    200,
    { "content-type": "text/html; charset=utf-8" },
    `<!DOCTYPE html><html><body>${body}</body></html>`,
  ];
}

/** Serves `bytes` as Drive does after confirmation (honouring Range). */
function file(req: IncomingMessage, bytes: Buffer): [number, Record<string, string>, Buffer] {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const headers = {
    "content-type": "application/octet-stream",
    "content-disposition": 'attachment; filename="x.pth"',
  };
  if (range === null) return [200, { ...headers, "content-length": String(bytes.length) }, bytes];
  const start = Number(range[1]);
  return [
    206,
    { ...headers, "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` },
    bytes.subarray(start),
  ];
}

function route(req: IncomingMessage): [number, Record<string, string>, string | Buffer] {
  const u = new URL(req.url ?? "/", origin);
  const id = u.searchParams.get("id");
  if (u.pathname === "/uc" && id === FILE_ID)
    // Today's page: a form to drive.usercontent's /download with hidden id, export, confirm=t and uuid.
    return page(
      `<p>Google Drive can't scan this file for viruses.</p><form id="download-form" action="${origin}/download" method="get">` +
        `<input type="submit" id="uc-download-link" value="Download anyway"/><input type="hidden" name="id" value="${FILE_ID}">` +
        `<input type="hidden" name="export" value="download"><input type="hidden" name="confirm" value="t">` +
        `<input type="hidden" name="uuid" value="${UUID}"></form>`,
    );
  if (u.pathname === "/download" && id === FILE_ID) {
    if (u.searchParams.get("confirm") === "t" && u.searchParams.get("uuid") === UUID) return file(req, big);
    return page("<p>not confirmed</p>");
  }
  if (u.pathname === "/uc" && id === OLD_ID) {
    if (
      u.searchParams.get("confirm") === TOKEN &&
      (req.headers.cookie ?? "").includes(`download_warning_1=${TOKEN}`)
    )
      return file(req, old);
    const [status, headers, body] = page(
      `<a id="uc-download-link" href="/uc?export=download&amp;confirm=${TOKEN}&amp;id=${OLD_ID}">Download anyway</a>`,
    );
    return [status, { ...headers, "set-cookie": `download_warning_1=${TOKEN}; Path=/; HttpOnly` }, body];
  }
  if (u.pathname === "/uc" && id === GONE_ID)
    return page(
      '<p class="uc-error-caption">Sorry, you can&#39;t view or download this file at this time.</p>' +
        '<p class="uc-error-subcaption">Too many users have viewed or downloaded this file recently.</p>',
    );
  if (u.pathname === "/embeddedfolderview" && id === ROOT)
    return page(
      `<div class="flip-entry"><a href="https://drive.google.com/drive/folders/${SUB}" target="_blank"><div>regionclip</div></a></div>` +
        '<div class="flip-entry"><a href="https://drive.google.com/drive/folders/1ConceptEmbFolder0123456789abcd"><div>concept_emb</div></a></div>',
    );
  if (u.pathname === "/embeddedfolderview" && id === SUB)
    return page(
      `<a href="https://drive.google.com/file/d/${FILE_ID}/view?usp=drive_web"><div class="flip-entry-thumb"><img src="x.png"></div>` +
        '<div class="flip-entry-title">regionclip_pretrained-cc_rn50.pth</div><div class="flip-entry-last-modified"><div>May 5, 2022</div></div></a>' +
        '<a href="https://drive.google.com/file/d/1OtherFile0123456789abcdefghijk/view?usp=drive_web">regionclip_pretrained-cc_rn50x4.pth</a>',
    );
  return [404, { "content-type": "text/plain" }, "not found"];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-drive-"));
  server = createServer((req, res) => {
    log.push({ path: req.url ?? "", cookie: req.headers.cookie, range: req.headers.range });
    const [status, headers, body] = route(req);
    res.writeHead(status, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("a large file behind Drive's virus-scan page is fetched through its download form (confirm=t, uuid)", async () => {
  const path = join(dir, "form.pth");
  const result = await downloadFile(`${origin}/uc?export=download&id=${FILE_ID}`, path, {
    size: big.length,
    sha256: sha(big),
  });
  assert.equal(result.recorded, true);
  assert.deepEqual(await readFile(path), big);
  assert.ok(log.some((r) => r.path === `/download?id=${FILE_ID}&export=download&confirm=t&uuid=${UUID}`));
});

test("the older page's confirm= link is followed with its download_warning cookie", async () => {
  const path = join(dir, "old.pth");
  await downloadFile(`${origin}/uc?export=download&id=${OLD_ID}`, path, {
    size: old.length,
    sha256: sha(old),
  });
  assert.deepEqual(await readFile(path), old);
  const confirmed = log.find((r) => r.path.includes(`confirm=${TOKEN}`));
  assert.equal(confirmed?.cookie, `download_warning_1=${TOKEN}`);
});

test("an interrupted Drive download resumes: the Range header is carried through the confirmation", async () => {
  const path = join(dir, "resume.pth");
  const url = `${origin}/uc?export=download&id=${FILE_ID}`;
  await writeFile(`${path}.part`, big.subarray(0, 120_000));
  await writePartState(path, { url, etag: null, lastModified: null, total: big.length });
  await downloadFile(url, path, { size: big.length, sha256: sha(big) });
  assert.deepEqual(await readFile(path), big);
  const confirmed = log.filter((r) => r.path.startsWith("/download?")).at(-1);
  assert.equal(confirmed?.range, "bytes=120000-");
});

test("verification is not weakened: bytes that differ from the recorded sha256 are E_CHECKSUM and deleted", async () => {
  const path = join(dir, "bad.pth");
  await assert.rejects(
    downloadFile(`${origin}/uc?export=download&id=${FILE_ID}`, path, {
      size: big.length,
      sha256: "0".repeat(64),
      retries: 0,
      retryDelayMs: 1,
    }),
    { code: "E_CHECKSUM" },
  );
  assert.equal(existsSync(path), false);
  assert.equal(existsSync(`${path}.part`), false);
});

test("Drive's own error page (quota exceeded) is an E_DOWNLOAD quoting it, and no HTML is kept as the file", async () => {
  const path = join(dir, "gone.pth");
  await assert.rejects(downloadFile(`${origin}/uc?export=download&id=${GONE_ID}`, path, { retries: 0 }), {
    code: "E_DOWNLOAD",
    message: /Google Drive refused the download: Too many users have viewed or downloaded this file recently/,
  });
  assert.equal(existsSync(path), false);
});

test("a page that leads nowhere is an error, not a download", () => {
  assert.throws(() => driveConfirmationUrl("<html><p>Sign in</p></html>", `${origin}/uc?id=x`, new Map()), {
    code: "E_DOWNLOAD",
    message: /leads to no download/,
  });
});

test("models fetch resolves a file by its path in a shared folder (…/drive/folders/<id>#a/b.pth), then confirms it", async () => {
  const manifest = parseModelsManifest(
    {
      schemaVersion: 1,
      kind: "models",
      models: {
        "regionclip-test": {
          family: "regionclip",
          files: {
            weights: {
              fileName: "regionclip_pretrained-cc_rn50.pth",
              url: `${origin}/drive/folders/${ROOT}#regionclip/regionclip_pretrained-cc_rn50.pth`,
              size: big.length,
              sha256: sha(big),
            },
          },
        },
      },
    },
    "test manifest",
  );
  const fetched = await fetchModelFiles("regionclip-test", { manifest, dir: join(dir, "fetched") });
  assert.deepEqual(await readFile(fetched.files.weights), big);
  assert.ok(log.some((r) => r.path === `/embeddedfolderview?id=${SUB}`));
  // A second fetch finds the verified file and sends no request at all.
  const before = log.length;
  await fetchModelFiles("regionclip-test", { manifest, dir: join(dir, "fetched") });
  assert.equal(log.length, before);
});

test("a path missing from the shared folder is an E_DOWNLOAD naming it and listing what is there", async () => {
  await assert.rejects(
    downloadFile(`${origin}/drive/folders/${ROOT}#rpn/rpn_lvis_866.pth`, join(dir, "rpn.pth"), {
      retries: 0,
    }),
    {
      code: "E_DOWNLOAD",
      message: /no folder "rpn" in the shared folder \(top\); it holds: regionclip, concept_emb/,
    },
  );
  await assert.rejects(
    downloadFile(`${origin}/drive/folders/${ROOT}#regionclip/missing.pth`, join(dir, "m.pth"), {
      retries: 0,
    }),
    /no file "missing\.pth" in the shared folder regionclip; it holds: regionclip_pretrained-cc_rn50\.pth, regionclip_pretrained-cc_rn50x4\.pth/,
  );
});

test("the bundled manifest fetches RegionCLIP's files from the authors' shared folder, by sub-folder and name", async () => {
  const manifest = await loadModelsManifest();
  for (const [name, weights, embeddings] of [
    ["regionclip-rn50", "regionclip_pretrained-cc_rn50.pth", "lvis_1203_cls_emb.pth"],
    ["regionclip-rn50x4", "regionclip_pretrained-cc_rn50x4.pth", "lvis_1203_cls_emb_rn50x4.pth"],
  ] as const) {
    const entry = manifest.models[name];
    assert.equal(entry.family, "regionclip");
    assert.deepEqual(Object.keys(entry.files), ["weights", "rpnWeights", "classEmbeddings", "vocab"]);
    assert.ok(entry.files.weights.url.endsWith(`#regionclip/${weights}`));
    assert.ok(entry.files.rpnWeights.url.endsWith("#rpn/rpn_lvis_866.pth"));
    assert.ok(entry.files.classEmbeddings.url.endsWith(`#concept_emb/${embeddings}`));
    for (const role of ["weights", "rpnWeights", "classEmbeddings"])
      assert.ok(isGoogleDriveFolderFile(entry.files[role].url));
  }
});
