/**
 * Flag helpers shared by the subcommands: `--option key=value` pairs and the flags-only check.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  conflictingFlags,
  parseAction,
  parseChoiceFlag,
  parseChoiceListFlag,
  parseFlagsOnly,
  parseOptionFlags,
  requireFlag,
} from "../../src/cli/args.js";

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

test("a comma list flag keeps its trimmed, non-blank items and names the first one not allowed", () => {
  const choices = ["coco", "nyuv2", "open_images"] as const;
  assert.deepEqual(parseChoiceListFlag(" coco, ,nyuv2,", "sources", choices), ["coco", "nyuv2"]);
  assert.deepEqual(parseChoiceListFlag("", "sources", choices), []);
  assert.throws(
    () => parseChoiceListFlag("coco,vg,x", "sources", choices),
    /Expected a comma list of coco, nyuv2, open_images for --sources but received "vg"/,
  );
  assert.throws(
    () => parseChoiceListFlag("coco,nyu2", "sources", choices),
    /received "nyu2".*Did you mean "nyuv2"\?/,
  );
});

test("parseFlagsOnly returns the flags and rejects positional arguments", () => {
  const spec = { out: { type: "string" } } as const;
  assert.deepEqual(parseFlagsOnly(["--out", "o"], spec), { out: "o" });
  assert.throws(
    () => parseFlagsOnly(["--out", "o", "extra", "more"], spec),
    /GritlocError: unexpected arguments "extra" "more": this command takes flags only \(a value goes right after its flag\)\. /,
  );
  assert.throws(
    () => parseFlagsOnly(["--bogus"], spec),
    /GritlocError: unknown flag --bogus\. Run with --help for usage\.$/,
  );
});

test("flag errors read like a person wrote them: unknown (with a did-you-mean), missing value, stray value", () => {
  const spec = { samples: { type: "string" }, json: { type: "boolean" } } as const;
  const cases: [string[], string][] = [
    [["--smaples", "s.json"], "unknown flag --smaples. Did you mean --samples? Run with --help for usage."],
    [["--output", "o"], "unknown flag --output. Run with --help for usage."],
    [["--samples"], "--samples needs a value. Run with --help for usage."],
    [
      ["--samples", "-1"],
      '--samples needs a value, and "-1" looks like a flag: write --samples=-1 for a value that starts with "-". ' +
        "Run with --help for usage.",
    ],
    [["--json=yes"], "--json takes no value. Run with --help for usage."],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseFlagsOnly(argv, spec), { code: "E_INVALID_OPTION", message }, argv.join(" "));
  }
});

test("requireFlag, conflictingFlags and parseChoiceFlag name the flags in plain words", () => {
  assert.throws(() => requireFlag(undefined, "samples"), {
    message: "--samples is required. Run with --help for usage.",
  });
  assert.throws(() => requireFlag("", "out", "(or --zip FILE)"), {
    message: "--out is empty; give it a value (or --zip FILE). Run with --help for usage.",
  });
  assert.equal(requireFlag("s.json", "samples"), "s.json");
  assert.equal(
    conflictingFlags("end", "shard").message,
    "use either --end or --shard, not both. Run with --help for usage.",
  );
  assert.equal(parseChoiceFlag("tail", "end", ["head", "tail"]), "tail");
  assert.throws(() => parseChoiceFlag("tial", "end", ["head", "tail"]), {
    code: "E_INVALID_OPTION",
    message: 'Expected "head" or "tail" for --end but received "tial" of type string. Did you mean "tail"?',
  });
});

test("an action is checked like a flag: missing, unknown (with a did-you-mean) or followed by stray words", () => {
  assert.equal(parseAction(["verify"], "setup", ["grit", "verify"]), "verify");
  assert.throws(() => parseAction([], "setup", ["grit", "verify"]), {
    code: "E_INVALID_OPTION",
    message: 'gritloc setup needs an action: "grit" or "verify". Run with --help for usage.',
  });
  assert.throws(() => parseAction(["biuld"], "gt", ["build"]), {
    code: "E_INVALID_OPTION",
    message: `unknown action "biuld" for gritloc gt (expected "build"). Did you mean 'gritloc gt build'?`,
  });
  assert.throws(() => parseAction(["build", "now"], "proxy", ["build"]), {
    message: 'gritloc proxy build takes flags only, but received "now". Run with --help for usage.',
  });
});
