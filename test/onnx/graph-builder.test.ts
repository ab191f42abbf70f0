import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { float, GraphBuilder } from "../../src/onnx/graph-builder.js";
import { encodeModel, writeModelFiles } from "../../src/onnx/model-writer.js";
import { OnnxSession } from "../../src/onnx/session.js";

function affineModel(size: number) {
  const g = new GraphBuilder("affine");
  const x = g.input("x", "float32", ["batch", size]);
  const w = g.initializer("w", {
    dataType: "float32",
    dims: [size, size],
    data: () => Float32Array.from({ length: size * size }, (_, i) => (i % (size + 1) === 0 ? 2 : 0)),
  });
  const b = g.initializer("b", { dataType: "float32", dims: [size], data: new Float32Array(size).fill(1) });
  const y = g.node("Add", [g.node("MatMul", [x, w]), b]);
  const normed = g.node(
    "LayerNormalization",
    [y, g.initializer("s", { dataType: "float32", dims: [size], data: new Float32Array(size).fill(1) }), b],
    {
      axis: -1,
      epsilon: float(1e-5),
    },
  );
  g.output(y, "y", "float32", ["batch", size]);
  g.output(normed, "normed", "float32", ["batch", size]);
  return g.build({ purpose: "test" });
}

test("an encoded graph runs in ONNX Runtime with symbolic dims and typed attributes", async () => {
  const session = await OnnxSession.create(encodeModel(affineModel(3)), { provider: "cpu" });
  const out = await session.run({
    x: { type: "float32", data: new Float32Array([1, 2, 3, -1, 0, 1]), dims: [2, 3] },
  });
  assert.deepEqual([...out.y.data], [3, 5, 7, -1, 1, 3]);
  assert.deepEqual(out.y.dims, [2, 3]);
  assert.ok(Math.abs((out.normed.data as Float32Array)[0] - (1 - 1.2247356)) < 1e-5);
  await session.dispose();
});

test("writeModelFiles moves large weights to 4 KiB-aligned external data that ONNX Runtime loads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-onnx-"));
  const path = join(dir, "affine.onnx");
  await writeModelFiles(affineModel(64), path, { externalThresholdBytes: 1024 });
  assert.ok(existsSync(`${path}.data`), "external data file written");
  // w (16 KiB) is external, b and s (256 B) stay inline.
  assert.equal(statSync(`${path}.data`).size, 64 * 64 * 4);
  const session = await OnnxSession.create(path, { provider: "cpu", threads: 1 });
  const x = new Float32Array(64).fill(1);
  const out = await session.run({ x: { type: "float32", data: x, dims: [1, 64] } });
  assert.deepEqual([...out.y.data], new Array(64).fill(3));
  await session.dispose();
  await writeModelFiles(affineModel(4), join(dir, "small.onnx"));
  assert.ok(!existsSync(join(dir, "small.onnx.data")), "no data file when every weight is inline");
});

test("writeModelFiles pads external weights to 4 KiB starts; a failing weight leaves no file behind", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-onnx-"));
  const path = join(dir, "padded.onnx");
  await writeModelFiles(affineModel(64), path, { externalThresholdBytes: 256 });
  // w (16 KiB) at 0, b at 16,384, then 3,840 zero bytes so that s starts at 20,480.
  assert.equal(statSync(`${path}.data`).size, 20480 + 256);
  const session = await OnnxSession.create(path, { provider: "cpu", threads: 1 });
  const out = await session.run({
    x: { type: "float32", data: new Float32Array(64).fill(1), dims: [1, 64] },
  });
  assert.deepEqual([...out.y.data], new Array(64).fill(3));
  await session.dispose();

  const g = new GraphBuilder("broken");
  const x = g.input("x", "float32", [2]);
  const big = g.initializer("big", { dataType: "float32", dims: [2], data: new Float32Array(2) });
  const bad = g.initializer("bad", {
    dataType: "float32",
    dims: [2],
    data: () => {
      throw new Error("weights unreadable");
    },
  });
  g.output(g.node("Add", [g.node("Add", [x, big]), bad]), "y", "float32", [2]);
  const broken = join(dir, "broken.onnx");
  await assert.rejects(
    writeModelFiles(g.build(), broken, { externalThresholdBytes: 4 }),
    /weights unreadable/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ["padded.onnx", "padded.onnx.data"]);
});

test("the builder rejects reused names, wrong tensor sizes and non-integer int attributes", () => {
  const g = new GraphBuilder("bad");
  g.input("x", "float32", [1]);
  assert.throws(() => g.input("x", "float32", [1]), /the name "x" is already used/);
  assert.throws(
    () => g.initializer("w", { dataType: "float32", dims: [2, 2], data: new Float32Array(3) }),
    /tensor "w" has 3 values for dims \[2, 2\]/,
  );
  g.node("LeakyRelu", ["x"], { alpha: 0.1 });
  assert.throws(() => encodeModel(g.build()), /wrap non-integer 0.1 in float\(\)/);
});

test("small int64 constants are shared between nodes", () => {
  const g = new GraphBuilder("constants");
  assert.equal(g.int64([1, 2]), g.int64([1, 2]));
  assert.notEqual(g.int64([1, 2]), g.int64([2, 1]));
  assert.equal(g.build().initializers.size, 2);
});
