/**
 * linkPackage: the node_modules/gritloc self-link that lets notebooks in a source checkout import "gritloc".
 */
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readlink, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { linkPackage } from "../../src/kernel/link-package.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-link-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a checkout with node_modules gets node_modules/gritloc -> .. (resolving to the checkout)", async () => {
  const root = join(dir, "checkout");
  await mkdir(join(root, "node_modules"), { recursive: true });
  const link = await linkPackage(root);
  assert.deepEqual(link, { path: join(root, "node_modules", "gritloc"), state: "created" });
  assert.equal(await readlink(link.path), "..");
  assert.equal(await realpath(link.path), await realpath(root));
  assert.deepEqual(await linkPackage(root), { path: link.path, state: "present" }, "a second call keeps it");
});

test("an existing node_modules/gritloc (e.g. a real install) is left alone", async () => {
  const root = join(dir, "has-install");
  await mkdir(join(root, "node_modules", "gritloc"), { recursive: true });
  assert.equal((await linkPackage(root)).state, "present");
  assert.ok((await lstat(join(root, "node_modules", "gritloc"))).isDirectory());
});

test("an installed package (inside some node_modules) needs no link", async () => {
  const root = join(dir, "project", "node_modules", "gritloc");
  await mkdir(root, { recursive: true });
  assert.equal((await linkPackage(root)).state, "installed");
  await assert.rejects(lstat(join(root, "node_modules")));
});

test("a checkout without node_modules fails with E_NOT_FOUND telling to run npm ci", async () => {
  const root = join(dir, "bare");
  await mkdir(root);
  await assert.rejects(linkPackage(root), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_NOT_FOUND"));
    assert.equal(error.message, `${join(root, "node_modules")} does not exist; run \`npm ci\` in ${root}.`);
    return true;
  });
});
