import assert from "node:assert/strict";
import { test } from "node:test";
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromBfloat16Bits,
  roundToFloat16,
  toFloat16Bits,
} from "../../src/onnx/float16.js";

test("float32ToFloat16Bits encodes normal, extreme and special values like IEEE half", () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest half
    [65520, 0x7c00], // rounds up to +inf
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie between 0 and 2^-24 → even (0)
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 ulps → even (2)
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 → even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (1+2^-9)
    [Number.POSITIVE_INFINITY, 0x7c00],
  ];
  for (const [value, bits] of cases) assert.equal(float32ToFloat16Bits(value), bits, `value ${value}`);
  assert.equal(float32ToFloat16Bits(Number.NaN) & 0x7c00, 0x7c00);
  assert.notEqual(float32ToFloat16Bits(Number.NaN) & 0x3ff, 0);
});

test("float16 bits decode back to the same values for every finite half", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const value = float16BitsToFloat32(bits);
    if (Number.isNaN(value)) continue;
    assert.equal(float32ToFloat16Bits(value), bits, `bits 0x${bits.toString(16)}`);
  }
  assert.deepEqual([...roundToFloat16(new Float32Array([0.1, 1000.3]))], [0.0999755859375, 1000.5]);
  assert.deepEqual([...toFloat16Bits([1, 2])], [0x3c00, 0x4000]);
});

test("fromBfloat16Bits takes the upper half of a float32", () => {
  assert.deepEqual([...fromBfloat16Bits(new Uint16Array([0x3f80, 0xc000, 0x3fc0]))], [1, -2, 1.5]);
});
