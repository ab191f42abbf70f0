/**
 * The %%tslab bridge (colab/tslab_bridge.py), driven from a plain IPython shell by bridge_cases.py on a real
 * tslab kernel subprocess: state across cells, TypeScript errors failing the Python cell with tslab's message,
 * relayed streams and rich output, interrupts, %tslab_reset. Needs Debian's Jupyter (see support/jupyter.ts).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PYTHON, REPO, registerKernel, requireJupyter, runProcess } from "../notebooks/support/jupyter.js";

interface Step {
  readonly step: string;
  readonly raised: string | null;
  readonly message?: string;
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: string[][];
  readonly html: string[];
  readonly texts: string[];
  readonly plotly: unknown[];
}

let dir: string;
const steps = new Map<string, Step>();

before(async () => {
  requireJupyter();
  dir = await mkdtemp(join(tmpdir(), "gritloc-bridge-"));
  const jupyterPath = await registerKernel(join(dir, "jupyter"));
  const result = await runProcess(PYTHON, [join(REPO, "test", "colab", "bridge_cases.py")], {
    cwd: REPO,
    env: { ...process.env, JUPYTER_PATH: jupyterPath, TSLAB_BRIDGE_CWD: REPO, PYTHONDONTWRITEBYTECODE: "1" },
    timeoutMs: 240_000,
  });
  assert.equal(result.code, 0, `bridge_cases.py failed:\n${result.stderr}`);
  for (const line of result.stdout.split("\n")) {
    if (line.startsWith("{")) {
      const step = JSON.parse(line) as Step;
      steps.set(step.step, step);
    }
  }
});

after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function step(name: string): Step {
  const found = steps.get(name);
  assert.ok(found, `bridge_cases.py printed no step "${name}" (got ${[...steps.keys()].join(", ")})`);
  return found;
}

test("a const defined in one %%tslab cell is visible in the next (one kernel, state persists)", () => {
  assert.equal(step("define").raised, null);
  assert.equal(step("use").raised, null);
  assert.equal(step("use").stdout, "42\n");
});

test("a TypeScript cell that throws fails the Python cell with a TslabError carrying the TS message", () => {
  const s = step("throw");
  assert.equal(s.raised, "TslabError");
  assert.equal(s.message, "Error: boom from TS");
  assert.match(s.stderr, /Error: boom from TS/, "tslab's stack trace is relayed to stderr as well");
});

test("a type error fails the cell with tslab's diagnostic (line:column - message)", () => {
  const s = step("compile-error");
  assert.equal(s.raised, "TslabError");
  assert.equal(s.message, "1:7 - Type 'string' is not assignable to type 'number'.");
});

test("after a failed cell the kernel keeps its state; stdout and stderr are relayed to the right streams", () => {
  const s = step("after-error");
  assert.equal(s.raised, null, s.message);
  assert.equal(s.stdout, "still 41\n");
  assert.equal(s.stderr, "to stderr\n");
});

test("tslab.display HTML, PNG, text and plotly JSON arrive as display_data with their MIME types", () => {
  const s = step("display");
  assert.equal(s.raised, null, s.message);
  assert.deepEqual(s.outputs, [
    ["text/html"],
    ["image/png"],
    ["text/plain"],
    ["application/vnd.plotly.v1+json"],
  ]);
  assert.deepEqual(s.html, ["<b>bold</b>"]);
  assert.deepEqual(s.texts, ["plain text"]);
  assert.deepEqual(s.plotly, [JSON.stringify({ data: [{ y: [1, 2] }] })]);
});

test("KeyboardInterrupt interrupts the kernel (SIGINT): an awaiting cell and a busy loop stop, state survives", () => {
  for (const name of ["interrupt-async", "interrupt-sync"]) {
    const s = step(name);
    assert.equal(s.raised, "KeyboardInterrupt", `${name}: ${s.message}`);
    // The interrupt came after 3 s; the cells would run for 120 s otherwise.
    assert.ok(s.seconds < 60, `${name} took ${s.seconds} s to stop`);
  }
  assert.equal(step("listen").raised, null);
  // The interrupt of the awaiting cell also reached the cell's own SIGINT listener (02-inference stops its run
  // that way); during synchronous code vm's breakOnSigint takes SIGINT alone, so the busy loop adds none.
  assert.equal(step("after-interrupt").stdout, "alive 41, 1 SIGINTs seen\n");
});

test("%tslab_reset restarts the kernel: earlier declarations are gone", () => {
  assert.equal(step("reset").raised, null);
  assert.equal(step("reset").stdout, "tslab kernel restarted\n");
  const s = step("after-reset");
  assert.equal(s.raised, "TslabError");
  assert.equal(s.message, "1:20 - Cannot find name 'answer'.");
});
