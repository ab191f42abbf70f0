/**
 * The Colab editions (scripts/colab-build.ts): colab/*.ipynb must be exactly what `npm run colab:build` makes
 * from notebooks/*.ipynb, and have the shape Colab needs (badge, bootstrap cell, `%%tslab` on every TS cell).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  buildColabEditions,
  checkSourceNotebook,
  githubRepo,
  type Notebook,
  staleColabEditions,
} from "../../scripts/colab-build.js";
import { REPO } from "../notebooks/support/jupyter.js";

const text = (source: string | readonly string[]) => (typeof source === "string" ? source : source.join(""));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-colab-build-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("colab/*.ipynb are up to date with notebooks/ (else run `npm run colab:build`)", async () => {
  assert.deepEqual(await staleColabEditions(REPO), []);
});

test("the source notebooks run on kernel tslab, have unique cell ids and no outputs", async () => {
  const names = (await readdir(join(REPO, "notebooks"))).filter((n) => n.endsWith(".ipynb")).sort();
  assert.deepEqual(names, [
    "01-setup.ipynb",
    "02-inference.ipynb",
    "03-evaluate.ipynb",
    "04-visualize.ipynb",
  ]);
  for (const name of names) {
    const nb = JSON.parse(await readFile(join(REPO, "notebooks", name), "utf8")) as Notebook;
    assert.deepEqual(checkSourceNotebook(nb, name), []);
  }
});

test("each edition is badge, bootstrap, then the source cells with %%tslab before every code cell", async () => {
  for (const edition of await buildColabEditions(REPO)) {
    const nb = JSON.parse(edition.text) as Notebook;
    const name = edition.path.replace("colab/", "");
    const source = JSON.parse(await readFile(join(REPO, "notebooks", name), "utf8")) as Notebook;
    assert.equal((nb.metadata.kernelspec as { name: string }).name, "python3");
    assert.equal(nb.metadata.accelerator, "GPU");
    const [badge, bootstrap, ...rest] = nb.cells;
    // package.json names no repository: no link that cannot know its repository, but how to open it.
    assert.match(
      text(badge.source),
      new RegExp(`colab\\.research\\.google\\.com/github/<owner>/<repo>/blob/<branch>/colab/${name}`),
    );
    assert.doesNotMatch(text(badge.source), /YOUR-GITHUB-USER/);
    assert.equal(bootstrap.cell_type, "code");
    const boot = text(bootstrap.source);
    assert.match(boot, /^#@title gritloc setup/);
    assert.match(boot, /\ngritloc_bootstrap\(\)$/);
    assert.match(boot, /\nGRITLOC_PACKAGE = "" {2}#@param/, "blank: the setup cell finds its repository");
    assert.equal(rest.length, source.cells.length);
    rest.forEach((cell, i) => {
      const original = source.cells[i];
      assert.equal(cell.cell_type, original.cell_type);
      assert.equal(cell.id, original.id);
      const expected =
        original.cell_type === "code" ? `%%tslab\n${text(original.source)}` : text(original.source);
      assert.equal(text(cell.source), expected, `${edition.path} cell ${i + 2}`);
    });
  }
});

test("the bootstrap's NPM_OVERRIDES equal package.json's overrides (npm ignores a dependency's own)", async () => {
  const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { overrides: unknown };
  const bootstrap = await readFile(join(REPO, "colab", "bootstrap.py"), "utf8");
  const line = /^NPM_OVERRIDES = (\{.*\})$/m.exec(bootstrap);
  assert.ok(line, "colab/bootstrap.py has no one-line NPM_OVERRIDES = {...}");
  assert.deepEqual(JSON.parse(line[1]), pkg.overrides);
});

test("githubRepo reads package.json's repository in its usual spellings", () => {
  assert.equal(githubRepo("github:me/gritloc"), "me/gritloc");
  assert.equal(githubRepo("me/gritloc"), "me/gritloc");
  assert.equal(githubRepo({ type: "git", url: "git+https://github.com/me/grit-loc.git" }), "me/grit-loc");
  assert.equal(githubRepo("https://github.com/me/gritloc"), "me/gritloc");
  assert.equal(githubRepo("git@github.com:me/gritloc.git"), "me/gritloc");
  assert.equal(githubRepo("https://gitlab.com/me/gritloc"), undefined);
  assert.equal(githubRepo(undefined), undefined);
});

test("a repository in package.json goes into the badge and the bootstrap's default package", async () => {
  const root = join(dir, "with-repo");
  await mkdir(join(root, "colab"), { recursive: true });
  await cp(join(REPO, "notebooks"), join(root, "notebooks"), { recursive: true });
  await cp(join(REPO, "colab", "bootstrap.py"), join(root, "colab", "bootstrap.py"));
  await writeFile(join(root, "package.json"), JSON.stringify({ repository: "github:someone/gritloc" }));
  const [first] = await buildColabEditions(root);
  const nb = JSON.parse(first.text) as Notebook;
  assert.match(
    text(nb.cells[0].source),
    /colab\.research\.google\.com\/github\/someone\/gritloc\/blob\/main\//,
  );
  assert.match(text(nb.cells[1].source), /GRITLOC_PACKAGE = "github:someone\/gritloc"/);
  assert.deepEqual(await staleColabEditions(root), [
    "colab/01-setup.ipynb",
    "colab/02-inference.ipynb",
    "colab/03-evaluate.ipynb",
    "colab/04-visualize.ipynb",
  ]);
});

test("a source notebook with outputs, another kernel or a magic is refused, naming the cell", () => {
  const nb: Notebook = {
    cells: [
      {
        cell_type: "code",
        id: "a",
        metadata: {},
        source: "1",
        outputs: [{ output_type: "stream" }],
        execution_count: 3,
      },
      { cell_type: "code", id: "a", metadata: {}, source: "%%tslab\n2", outputs: [], execution_count: null },
      { cell_type: "markdown", metadata: {}, source: "text" },
    ],
    metadata: { kernelspec: { name: "python3" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  assert.deepEqual(checkSourceNotebook(nb, "x.ipynb"), [
    'x.ipynb: kernelspec.name is python3, expected "tslab"',
    "x.ipynb: cell 0 has outputs; clear them before committing (the source is stripped)",
    "x.ipynb: cell 1 repeats id a",
    "x.ipynb: cell 1 starts with a magic",
    "x.ipynb: cell 2 has no id",
  ]);
});

test("the setup cell installs from the form, else $GRITLOC_PACKAGE, else the GitHub repository it was opened from", () => {
  // The bootstrap's own functions, run by the Python that runs Jupyter (the cell's last line, the call, is cut).
  const script = `
import json, sys
source = open(sys.argv[1]).read().rsplit("\\ngritloc_bootstrap()", 1)[0]
ns = {}
exec(compile(source, "bootstrap.py", "exec"), ns)
origin, pick = ns["github_origin"], ns["package_source"]
out = {
  "github": origin([{"path": "fileId=https%3A%2F%2Fgithub.com%2Fsomeone%2Fgritloc%2Fblob%2Fdev%2Fcolab%2F01-setup.ipynb"}]),
  "drive": origin([{"path": "fileId=1AbCdEf"}]),
  "none": origin(None),
  "form": pick(" github:a/b ", {"GRITLOC_PACKAGE": "github:c/d"}, lambda: "github:e/f"),
  "env": pick("", {"GRITLOC_PACKAGE": "/content/drive/MyDrive/gritloc-0.1.0.tgz"}, lambda: None),
  "detected": pick("", {}, lambda: "github:someone/gritloc#dev"),
}
try:
  pick("", {}, lambda: None)
except RuntimeError as error:
  out["error"] = str(error)
print(json.dumps(out))
`;
  const result = spawnSync("/usr/bin/python3", ["-c", script, join(REPO, "colab", "bootstrap.py")], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, string | null>;
  assert.equal(out.github, "github:someone/gritloc#dev");
  assert.equal(out.drive, null);
  assert.equal(out.none, null);
  assert.equal(out.form, "github:a/b");
  assert.equal(out.env, "/content/drive/MyDrive/gritloc-0.1.0.tgz");
  assert.equal(out.detected, "github:someone/gritloc#dev");
  assert.match(out.error ?? "", /Cannot tell which repository this notebook came from .*Set GRITLOC_PACKAGE/);
});
