#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner and tsx.
// Node 20 cannot glob test paths itself, so the list is collected here. Extra arguments are passed through
// (e.g. `npm test -- --test-name-pattern=slic`); paths among them (files, or folders to search) replace the
// default list.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules" || name === "dist") continue;
    if (statSync(path).isDirectory()) found.push(...collect(path));
    else if (name.endsWith(".test.ts")) found.push(relative(root, path));
  }
  return found;
}

const args = process.argv.slice(2);
const paths = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));
function expand(arg) {
  const path = resolve(arg);
  if (!existsSync(path)) {
    console.error(
      `run-tests: no test file or folder ${arg} (a flag takes its value after =, e.g. --test-name-pattern=slic)`,
    );
    process.exit(2);
  }
  return statSync(path).isDirectory() ? collect(path) : [relative(root, path)];
}
const files = (
  paths.length > 0 ? paths.flatMap(expand) : ["src", "test"].flatMap((d) => collect(join(root, d)))
).sort();
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", ...flags, ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
