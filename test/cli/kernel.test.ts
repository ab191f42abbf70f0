/**
 * `gritloc kernel install`: the kernelspec it registers (kernels/tslab/kernel.json with this Node and tslab
 * pinned), the JUPYTER_PATH it prints, and its errors. Registering needs a Python with jupyter_client
 * (Debian's /usr/bin/python3 + python3-jupyter-client, as in CI); the error cases need none.
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { PYTHON, requireJupyter } from "../notebooks/support/jupyter.js";
import { captureIo } from "../support/cli-io.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-kernel-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("kernel install --prefix registers kernelspec tslab with absolute node and tslab paths and prints JUPYTER_PATH", async () => {
  requireJupyter();
  const prefix = join(dir, "prefix");
  const io = captureIo();
  assert.equal(
    await main(["kernel", "install", "--prefix", prefix, "--python", PYTHON], io),
    0,
    io.err.join(""),
  );
  const kernelDir = join(prefix, "share", "jupyter", "kernels", "tslab");
  const spec = JSON.parse(await readFile(join(kernelDir, "kernel.json"), "utf8"));
  const tslab = join(dirname(createRequire(import.meta.url).resolve("tslab/package.json")), "bin", "tslab");
  assert.deepEqual(spec, {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
    interrupt_mode: "signal",
  });
  const text = io.out.join("");
  assert.match(text, new RegExp(`registered Jupyter kernel "tslab" in ${kernelDir}\\n`));
  assert.ok(
    text.includes(`export JUPYTER_PATH=${join(prefix, "share", "jupyter")}\${JUPYTER_PATH:+:$JUPYTER_PATH}`),
    text,
  );
  assert.doesNotMatch(text, /warning/);
});

test("kernel install with a Python that cannot run exits 1 with E_TOOL_MISSING naming it", async () => {
  const io = captureIo();
  const missing = join(dir, "no-such-python");
  assert.equal(await main(["kernel", "install", "--prefix", join(dir, "x"), "--python", missing], io), 1);
  assert.match(
    io.err.join(""),
    new RegExp(
      `error \\[E_TOOL_MISSING\\]: cannot run Python at ${missing} \\(ENOENT\\); pass --python PATH`,
    ),
  );
});

test("kernel install with a Python lacking jupyter_client exits 1 and says how to install it", async () => {
  // A real Python without its site packages (-S drops Debian's dist-packages, where jupyter_client lives).
  const bare = join(dir, "bare-python");
  await writeFile(bare, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  await chmod(bare, 0o755);
  const io = captureIo();
  assert.equal(await main(["kernel", "install", "--prefix", join(dir, "y"), "--python", bare], io), 1);
  assert.match(
    io.err.join(""),
    new RegExp(
      `error \\[E_TOOL_MISSING\\]: ${bare} has no jupyter_client; install it \\(apt-get install python3-jupyter-client`,
    ),
  );
});

test("kernel without an action, or with extra arguments, is a usage error (exit 2)", async () => {
  const none = captureIo();
  assert.equal(await main(["kernel"], none), 2);
  assert.match(none.err.join(""), /gritloc kernel needs an action: "install"\./);
  const extra = captureIo();
  assert.equal(await main(["kernel", "install", "now"], extra), 2);
  assert.match(extra.err.join(""), /gritloc kernel install takes flags only, but received "now"/);
  const flag = captureIo();
  assert.equal(await main(["kernel", "install", "--user"], flag), 2);
  assert.match(flag.err.join(""), /unknown flag --user\. Run with --help for usage\./);
});

test("kernel --help shows the usage", async () => {
  const io = captureIo();
  assert.equal(await main(["kernel", "--help"], io), 0);
  assert.match(io.out.join(""), /^Usage: gritloc kernel install \[--prefix DIR\] \[--python PATH\]/);
});
