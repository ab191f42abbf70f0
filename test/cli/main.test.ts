import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

test("an unknown command exits 2 and names the command", async () => {
  const io = captureIo();
  assert.equal(await main(["frobnicate"], io), 2);
  assert.equal(io.err.join(""), "error: unknown command 'frobnicate'. Run 'gritloc --help' for the list.\n");
  const near = captureIo();
  assert.equal(await main(["valdiate"], near), 2);
  assert.match(near.err.join(""), /unknown command 'valdiate'\. Did you mean 'gritloc validate'\?/);
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
