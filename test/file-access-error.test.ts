import assert from "node:assert/strict";
import { test } from "node:test";
import { GritlocError, isGritlocError } from "../src/errors.js";
import { fileAccessError } from "../src/file-access-error.js";

/** An error shaped like Node's fs errors, about a temp file beside the user's output. */
function errno(code: string, path = "/out/.x.zip.123.tmp"): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: boom, open '${path}'`), { code, path, syscall: "open" });
}

test("each errno code maps to a coded error naming the user's path and never the temp file", () => {
  const cases: [string, string, RegExp][] = [
    ["EACCES", "E_FILE_ACCESS", /^Permission denied: cannot write \/out\/x\.zip\. /],
    ["EPERM", "E_FILE_ACCESS", /^Permission denied: cannot write \/out\/x\.zip\. /],
    ["EISDIR", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: it is a folder, not a file/],
    ["EROFS", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: the file system is read-only/],
    ["ENOSPC", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: no space left on the device/],
    ["EDQUOT", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: no space left on the device/],
    ["ENAMETOOLONG", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: the path is too long/],
    ["ENOENT", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: its folder does not exist/],
    ["EIO", "E_FILE_ACCESS", /^cannot write \/out\/x\.zip: the system refused it \(EIO\)\.$/],
  ];
  for (const [code, expected, message] of cases) {
    const cause = errno(code);
    const error = fileAccessError(cause, { path: "/out/x.zip", action: "write" });
    assert.ok(isGritlocError(error), code);
    assert.equal(error.code, expected, code);
    assert.match(error.message, message, code);
    assert.doesNotMatch(error.message, /\.tmp/, code);
    assert.equal(error.cause, cause);
    assert.deepEqual(error.details, { path: "/out/x.zip", action: "write", errno: code });
  }
});

test("a missing input is E_NOT_FOUND naming what it is", () => {
  const error = fileAccessError(errno("ENOENT", "s.json"), {
    path: "s.json",
    action: "read",
    what: "samples file",
  });
  assert.ok(isGritlocError(error, "E_NOT_FOUND"));
  assert.equal(error.message, "samples file not found: s.json. Check the path.");
});

test("a folder above the path that is denied is named beside it", () => {
  const error = fileAccessError(errno("EACCES", "/data/locked"), {
    path: "/data/locked/run/x",
    action: "write",
  });
  assert.ok(isGritlocError(error, "E_FILE_ACCESS"));
  assert.match(error.message, /cannot write \/data\/locked\/run\/x \(no access to \/data\/locked\)/);
});

test("errors that are not errno errors, and GritlocErrors, pass through unchanged", () => {
  const plain = new TypeError("not fs");
  assert.equal(fileAccessError(plain, { path: "p", action: "read" }), plain);
  const coded = new GritlocError("E_CHECKSUM", "bad bytes");
  assert.equal(fileAccessError(coded, { path: "p", action: "read" }), coded);
});
