import assert from "node:assert/strict";
import { test } from "node:test";
import type { CliIo } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false };
}

test("an unknown command exits 2 and names the command", async () => {
  const io = captureIo();
  assert.equal(await main(["frobnicate"], io), 2);
  assert.match(io.err.join(""), /unknown command 'frobnicate'/);
});

test("--help lists the commands and exits 0", async () => {
  const io = captureIo();
  assert.equal(await main(["--help"], io), 0);
  assert.match(io.out.join(""), /Usage: gritloc <command>/);
});

test("--version prints the package version", async () => {
  const io = captureIo();
  assert.equal(await main(["--version"], io), 0);
  assert.match(io.out.join(""), /^\d+\.\d+\.\d+\n$/);
});
