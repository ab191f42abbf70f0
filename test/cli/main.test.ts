import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

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
