/**
 * Flag helpers shared by the subcommands: `--option key=value` pairs and the flags-only check.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlagsOnly, parseOptionFlags } from "../../src/cli/args.js";

test("--option values are read as JSON when they parse, else kept as text; the first = splits", () => {
  assert.deepEqual(parseOptionFlags(["a=0.5", "b=[100,200]", "c=true", "d=hf", "e=x=y", "f="], "a=1"), {
    a: 0.5,
    b: [100, 200],
    c: true,
    d: "hf",
    e: "x=y",
    f: "",
  });
  assert.deepEqual(parseOptionFlags(undefined, "a=1"), {});
});

test("an --option without a key before = is an error that shows the example", () => {
  for (const pair of ["alpha", "=0.5"]) {
    assert.throws(
      () => parseOptionFlags([pair], "alpha=0.5"),
      new RegExp(
        `Expected key=value \\(e\\.g\\. --option alpha=0\\.5\\) for --option but received "${pair}"`,
      ),
    );
  }
});

test("parseFlagsOnly returns the flags and rejects positional arguments", () => {
  const spec = { out: { type: "string" } } as const;
  assert.deepEqual(parseFlagsOnly(["--out", "o"], spec), { out: "o" });
  assert.throws(
    () => parseFlagsOnly(["--out", "o", "extra", "more"], spec),
    /Expected flags only \(see --help\) for arguments but received "extra more"/,
  );
  assert.throws(
    () => parseFlagsOnly(["--bogus"], spec),
    /Unknown option '--bogus'.* Run with --help for usage\./,
  );
});
