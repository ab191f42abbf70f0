import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { REPO_ROOT } from "./support/fixtures.js";

// A library user who installs no handler: the script imports the public API and logs at every level.
const SCRIPT = `
import { createLogger } from "./src/index.ts";
const log = createLogger("onnx");
log.debug("debug detail");
log.info("building graph");
log.warn("using CPU");
log.error("RANDOM weights");
`;

test("without an installed handler, warnings and errors reach stderr and info/debug do not", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, "gritloc [onnx] warn: using CPU\ngritloc [onnx] error: RANDOM weights\n");
});

test("setLogHandler replaces the stderr default and returns it, so it can be restored", async () => {
  const { defaultLogHandler, setLogHandler, createLogger } = await import("../src/logger.js");
  const seen: string[] = [];
  const previous = setLogHandler((record) => seen.push(`${record.level}:${record.message}`));
  try {
    assert.equal(previous, defaultLogHandler);
    createLogger("run").warn("resumed");
    assert.deepEqual(seen, ["warn:resumed"]);
  } finally {
    setLogHandler(previous);
  }
});
