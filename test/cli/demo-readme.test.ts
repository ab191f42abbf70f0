/**
 * The CLI reference (docs/cli.md) is generated from the code: `gritloc --help` and every subcommand's usage
 * text, verbatim, between the `cli-reference` markers. This test fails when they drift apart;
 * `GRITLOC_UPDATE_README=1 node --import tsx --test test/cli/demo-readme.test.ts` rewrites the section.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { test } from "node:test";
import { commands } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";

const CLI_DOC = resolve(import.meta.dirname, "../../docs/cli.md");
const START = "<!-- cli-reference:start -->";
const END = "<!-- cli-reference:end -->";

async function generatedReference(): Promise<string> {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: () => {}, isTty: false };
  assert.equal(await main(["--help"], io), 0);
  const parts = ["```text", "$ gritloc --help", out.join("").trimEnd(), "```"];
  for (const name of Object.keys(commands).sort()) {
    const command = await commands[name]();
    parts.push("", `## gritloc ${name}`, "", "```text", command.usage.trimEnd(), "```");
  }
  return `\n${parts.join("\n")}\n`;
}

test("docs/cli.md is `gritloc --help` and every subcommand's usage, verbatim", async () => {
  const text = await readFile(CLI_DOC, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, `docs/cli.md needs the markers ${START} … ${END}`);
  const expected = await generatedReference();
  if (process.env.GRITLOC_UPDATE_README === "1") {
    await writeFile(CLI_DOC, text.slice(0, start + START.length) + expected + text.slice(end));
    return;
  }
  assert.equal(
    text.slice(start + START.length, end),
    expected,
    "docs/cli.md is out of date. Regenerate it with " +
      "GRITLOC_UPDATE_README=1 node --import tsx --test test/cli/demo-readme.test.ts",
  );
});
