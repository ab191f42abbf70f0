import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import { writeSafetensors } from "../../../src/models/weights/safetensors-writer.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-st-"));

function rawFile(name: string, header: unknown, dataBytes = 0, headerLength?: number): string {
  const json = Buffer.from(typeof header === "string" ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerLength ?? json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, json, Buffer.alloc(dataBytes)]));
  return path;
}

test("written tensors read back exactly in F32 and rounded in F16/BF16, with metadata", () => {
  const path = join(dir, "roundtrip.safetensors");
  const values = new Float32Array([1, -2.5, 0.1, 65504, 3.25]);
  writeSafetensors(
    path,
    {
      a: { shape: [5], data: values },
      "b.weight": { shape: [1, 5], data: values, dtype: "F16" },
      c: { shape: [5], data: values, dtype: "BF16" },
      scalar: { shape: [], data: new Float32Array([7]) },
    },
    { note: "test" },
  );
  const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
  assert.equal((8 + headerLength) % 8, 0, "data section is 8-byte aligned");
  const file = SafetensorsFile.open(path);
  assert.deepEqual(file.metadata, { note: "test" });
  assert.deepEqual([...file.readFloat32("a")], [...values]);
  assert.deepEqual(file.entry("b.weight").shape, [1, 5]);
  assert.deepEqual([...file.readFloat32("b.weight")], [1, -2.5, 0.0999755859375, 65504, 3.25]);
  assert.deepEqual([...file.readFloat32("c")], [1, -2.5, 0.10009765625, 65536, 3.25]);
  assert.deepEqual([...file.readFloat32("scalar")], [7]);
  file.close();
});

test("a write that fails (a folder where the file should go) leaves no temp file", () => {
  const folder = join(dir, "in-the-way");
  mkdirSync(join(folder, "w.safetensors"), { recursive: true });
  assert.throws(() =>
    writeSafetensors(join(folder, "w.safetensors"), { a: { shape: [1], data: new Float32Array(1) } }),
  );
  assert.deepEqual(readdirSync(folder), ["w.safetensors"]);
});

test("a missing tensor is an E_WEIGHTS_INVALID error naming the file and the tensor", () => {
  const path = join(dir, "roundtrip.safetensors");
  const file = SafetensorsFile.open(path);
  assert.throws(
    () => file.readFloat32("nope"),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, "E_WEIGHTS_INVALID");
      assert.match(e.message, /roundtrip\.safetensors: tensor "nope": missing/);
      return true;
    },
  );
  file.close();
});

test("malformed files are rejected with the file named and the problem stated", () => {
  const cases: [string, string, RegExp][] = [
    [
      "short",
      (() => {
        const p = join(dir, "short.safetensors");
        writeFileSync(p, Buffer.alloc(3));
        return p;
      })(),
      /short\.safetensors: file is 3 bytes, shorter than the 8-byte header length/,
    ],
    [
      "huge header",
      rawFile("huge.safetensors", {}, 0, 1e6),
      /header length 1000000 does not fit the 10-byte file/,
    ],
    ["bad json", rawFile("json.safetensors", "{not json"), /header is not valid JSON/],
    ["array header", rawFile("array.safetensors", [1]), /header is not a JSON object/],
    [
      "bad dtype",
      rawFile("dtype.safetensors", { t: { dtype: "Q4", shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "t": unsupported dtype "Q4"/,
    ],
    [
      "bad shape",
      rawFile("shape.safetensors", { t: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4),
      /tensor "t": shape \[-1\] is not a list/,
    ],
    [
      "span",
      rawFile("span.safetensors", { t: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, 4),
      /tensor "t": data_offsets span 4 bytes but F32\[2\] needs 8/,
    ],
    [
      "truncated",
      rawFile("trunc.safetensors", { t: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, 8),
      /tensor "t": data ends at byte 16 beyond the file's 8 data bytes \(truncated\?\)/,
    ],
  ];
  for (const [what, path, message] of cases) {
    assert.throws(
      () => SafetensorsFile.open(path),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "E_WEIGHTS_INVALID", what);
        assert.match(e.message, message, what);
        assert.match(e.message, /re-download/, what);
        return true;
      },
    );
  }
  assert.throws(() => SafetensorsFile.open(join(dir, "absent.safetensors")), { code: "E_NOT_FOUND" });
  const ints = rawFile("ints.safetensors", { t: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, 4);
  assert.throws(
    () => SafetensorsFile.open(ints).readFloat32("t"),
    /tensor "t": dtype I32 is not a float type/,
  );
});
