/**
 * The walkthrough end to end, headless: the four notebooks/ on the tslab kernel and the four Colab editions on
 * a plain Python kernel through the bootstrap + %%tslab bridge (both with nbconvert's executor, errors never
 * allowed). They share one work folder and one run: the tslab 02-inference works from the head and stops
 * early, the Colab one finishes from the tail, so both 03-evaluate merges see two journals. Needs Debian's
 * Jupyter and a built dist/ (.ci/run installs and builds both); fails, never skips, without them.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  PYTHON,
  REPO,
  registerKernel,
  requireFreshDist,
  requireJupyter,
  runProcess,
} from "./support/jupyter.js";

interface Output {
  readonly output_type: string;
  readonly name?: string;
  readonly text?: string | string[];
  readonly data?: Record<string, string | string[]>;
}
interface Cell {
  readonly cell_type: string;
  readonly source: string | string[];
  /** nbclient's timing record; "shell.execute_reply" is set once the kernel answered the cell. */
  readonly metadata: { readonly execution?: Record<string, string> };
  readonly outputs?: Output[];
}

const join2 = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join("") : (value ?? "");

let dir: string;
let work: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  requireJupyter();
  requireFreshDist();
  dir = await mkdtemp(join(tmpdir(), "gritloc-notebooks-"));
  work = join(dir, "work");
  const prefix = join(dir, "jupyter");
  env = {
    ...process.env,
    JUPYTER_PATH: await registerKernel(prefix),
    // The Colab bootstrap (outside Colab) registers the kernel here instead of in the checkout's .gritloc/.
    GRITLOC_KERNEL_PREFIX: prefix,
    GRITLOC_WORK: work,
    // A smaller mini set keeps the run short on 2 cores: 12 scenes still fill every partition.
    GRITLOC_MINI_SCENES: "12",
    GRITLOC_GRID_N: "8",
    // The doctor cell checks the smoke model only (every family takes about a minute).
    GRITLOC_DOCTOR_MODEL: "smoke",
    GRITLOC_DOCTOR_SAMPLES: "2",
    // Importing colab/tslab_bridge.py must leave no __pycache__ in the checkout.
    PYTHONDONTWRITEBYTECODE: "1",
  };
});

after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Executes `folder/name` with extra environment; returns its executed cells (fails with tslab's message). */
async function execute(
  folder: "notebooks" | "colab",
  name: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<Cell[]> {
  const out = join(dir, `${folder}-${name}`);
  const result = await runProcess(
    PYTHON,
    [join(REPO, "test", "notebooks", "execute_notebook.py"), join(REPO, folder, name), out, "600"],
    { cwd: REPO, env: { ...env, ...extra }, timeoutMs: 900_000 },
  );
  assert.equal(result.code, 0, `${folder}/${name} failed:\n${result.stderr.slice(-6000)}`);
  const cells = (JSON.parse(await readFile(out, "utf8")) as { cells: Cell[] }).cells;
  for (const [i, cell] of cells.entries()) {
    if (cell.cell_type !== "code") continue;
    // tslab sends no execute_input, so execution_count stays null; the reply's timestamp proves the cell ran.
    assert.ok(cell.metadata.execution?.["shell.execute_reply"], `${folder}/${name} cell ${i} did not run`);
    const errors = (cell.outputs ?? []).filter((o) => o.output_type === "error");
    assert.deepEqual(errors, [], `${folder}/${name} cell ${i} has an error output`);
  }
  return cells;
}

function stdout(cells: readonly Cell[]): string {
  return cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => join2(o.text))
    .join("");
}

/** Like assert.match, but a failure shows the outputs' size instead of megabytes of inlined plotly.js. */
function assertHas(haystack: string, pattern: RegExp, what: string): void {
  assert.ok(
    pattern.test(haystack),
    `${what}: no match for ${pattern} in ${haystack.length} characters of output`,
  );
}

function richOutputs(cells: readonly Cell[], mime: string): string[] {
  return cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === "display_data" || o.output_type === "execute_result")
    .flatMap((o) => (o.data?.[mime] === undefined ? [] : [join2(o.data[mime])]));
}

const TABLES_03 = [
  /<table><caption>Localization accuracy \(acc ×100\) with 95% intervals<\/caption>/,
  /<td>newCpt \(zero-shot\)<\/td>/,
  /<td>deldist \(robustness\)<\/td>/,
  /<table><caption>Every measure/,
  /<table><caption>Mean per-sample accuracy per image source/,
  /<table><caption>Mean per-sample accuracy per concept group/,
];

test("the notebooks run on tslab and their Colab editions through %%tslab, sharing a run from both ends", async (t) => {
  await t.test("notebooks/01-setup builds the mini GRIT set", async () => {
    const cells = await execute("notebooks", "01-setup.ipynb");
    assert.match(stdout(cells), /\d+ samples in .*mini-grit\/samples\/ablation\/localization\.json/);
    assert.match(stdout(cells), /CUDA provider: (loads|not available: .*Install it with: )/);
    assert.match(stdout(cells), /timed run: smoke on (CPU|CUDA) /);
    assertHas(
      richOutputs(cells, "text/html").join(""),
      /<table><caption>Samples per source and partition/,
      "01",
    );
  });
  await t.test("notebooks/02-inference works from the head and stops at its limit", async () => {
    const extra = { GRITLOC_END: "head", GRITLOC_LIMIT: "5" };
    const out = stdout(await execute("notebooks", "02-inference.ipynb", extra));
    assert.match(out, /\(head\), model smoke\//);
    assert.match(out, /limit: this session made 5 predictions \(0 failed\)/);
  });
  await t.test("colab/01-setup bootstraps outside Colab and rebuilds the same data", async () => {
    const cells = await execute("colab", "01-setup.ipynb");
    assert.match(stdout(cells), /%%tslab is ready: TypeScript cells run on Node v\d+/);
    assertHas(
      richOutputs(cells, "text/html").join(""),
      /<table><caption>Samples per source and partition/,
      "01",
    );
  });
  await t.test("colab/02-inference finishes the same run from the tail", async () => {
    const out = stdout(await execute("colab", "02-inference.ipynb", { GRITLOC_END: "tail" }));
    assert.match(out, /\(tail\), model smoke\//);
    assert.match(out, /^5\/\d+ samples were done before this session$/m);
    assert.match(out, /finished: this session made \d+ predictions \(0 failed\).*; 0 left$/m);
  });
  for (const folder of ["notebooks", "colab"] as const) {
    await t.test(
      `${folder}/03-evaluate merges both journals, writes the zip, shows tables and a chart`,
      async () => {
        const cells = await execute(folder, "03-evaluate.ipynb");
        const out = stdout(cells);
        assert.match(
          out,
          /merged 2 journal\(s\) of smoke\/smoke \(random, seed 0\): (\d+)\/\1 samples predicted/,
        );
        assert.match(out, /ablation\.zip: \d+ entries, 0 problems/);
        assert.match(out, /newCpt \(zero-shot\) +\d+\.\d\d/);
        // The rebuilt-ground-truth section: the mini set's newSrc source with a gt-report.json of kind "rebuilt".
        assert.match(
          out,
          /^UNOFFICIAL, REBUILT ground truth: .*It covers only newSrc, sameCpt\/newCpt within newSrc/m,
        );
        assert.match(out, /\(UNOFFICIAL: rebuilt ground truth\)\n/);
        assert.match(out, /\n {2}sameSrc +– +not covered\n/);
        assert.match(out, /\n {2}newCpt@newSrc \(0-shot\) +\d+\.\d\d {2}\[/);
        assert.match(out, /COCO-style AP \(%\)[\s\S]*\n {2}newSrc( +\d+\.\d\d){3} +\d+ +\d+\n/);
        const html = richOutputs(cells, "text/html").join("\n");
        for (const table of TABLES_03) assertHas(html, table, `${folder}/03-evaluate HTML`);
        assertHas(
          html,
          /<table><caption>Coverage of the partitions \(UNOFFICIAL: rebuilt ground truth\)<\/caption>/,
          `${folder}/03-evaluate coverage table`,
        );
        assertHas(
          html,
          /class="gritloc-figure"[\s\S]*Plotly\.newPlot/,
          `${folder}/03-evaluate partition chart`,
        );
      },
    );
  }
  for (const folder of ["notebooks", "colab"] as const) {
    await t.test(`${folder}/04-visualize shows the grid, heatmap PNGs and charts`, async () => {
      const cells = await execute(folder, "04-visualize.ipynb");
      const figures = richOutputs(cells, "text/html").filter((h) => h.includes('class="gritloc-figure"'));
      assert.equal(figures.length, 3, "grid, score histogram, partition chart");
      if (folder === "colab") {
        // Every Colab output is its own frame: each figure must carry plotly.js itself.
        for (const html of figures) assertHas(html, /plotly\.js v\d/, "colab/04-visualize figure");
      }
      const pngs = richOutputs(cells, "image/png");
      assert.ok(pngs.length >= 2, `expected the heatmap overlays as PNG, got ${pngs.length}`);
      for (const png of pngs) assert.equal(Buffer.from(png, "base64").subarray(1, 4).toString(), "PNG");
    });
  }
});
