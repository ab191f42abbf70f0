/**
 * `--provider --precision --cache-dir` and the command's threads flag → RuntimeOptions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runtimeFromFlags } from "../../src/cli/runtime-flags.js";

test("only the runtime flags given appear, under the command's threads flag name", () => {
  assert.deepEqual(runtimeFromFlags({}, "threads"), {});
  assert.deepEqual(
    runtimeFromFlags(
      { provider: "cpu", precision: "fp16", "model-threads": "2", "cache-dir": "d" },
      "model-threads",
    ),
    { provider: "cpu", precision: "fp16", threads: 2, cacheDir: "d" },
  );
  // localize names the ONNX Runtime threads --threads (infer: --model-threads); only the flag named is read.
  const localizeFlags = { threads: "3", "model-threads": "9" };
  assert.deepEqual(runtimeFromFlags(localizeFlags, "threads"), { threads: 3 });
});

test("a threads flag below 1 is an error that names the command's flag", () => {
  assert.throws(() => runtimeFromFlags({ threads: "0" }, "threads"), /Expected an integer ≥ 1 for --threads/);
  assert.throws(
    () => runtimeFromFlags({ "model-threads": "1.5" }, "model-threads"),
    /Expected an integer ≥ 1 for --model-threads but received "1.5"/,
  );
});
