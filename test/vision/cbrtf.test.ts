/**
 * cbrtf against glibc 2.36 `cbrtf` (values from NumPy float32 `np.cbrt` with AVX-512 dispatch disabled,
 * Debian 12). Tolerance: exact bits. The port was also checked on all 67.5 M float32 values in [0.0045, 1.2].
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cbrtf } from "../../src/vision/cbrtf.js";

function fromBits(bits: number): number {
  return new Float32Array(Uint32Array.of(bits).buffer)[0];
}

/** [input bits, glibc result bits]; the first six differ from the correctly rounded cube root by one ulp. */
const GLIBC: readonly [number, number][] = [
  [0x3f8899a3, 0x3f82ce07],
  [0x3d9dbe71, 0x3ed9d7e1],
  [0x3f5e2314, 0x3f742cab],
  [0x3f712a5c, 0x3f7af4da],
  [0x3e79a780, 0x3f1fed1d],
  [0x3f7c31cf, 0x3f7eb9a5],
  [0x41000000, 0x40000000],
  [0x3e000000, 0x3f000000],
  [0x000116c2, 0x295109c8],
  [0x40400000, 0x3fb89ba2],
];

test("cbrtf reproduces glibc's float32 cube root bit for bit, including its non-correctly-rounded cases", () => {
  for (const [input, output] of GLIBC) {
    assert.equal(cbrtf(fromBits(input)), fromBits(output), `cbrtf(0x${input.toString(16)})`);
  }
});

test("cbrtf is odd and passes zero, infinity and NaN through", () => {
  assert.equal(cbrtf(-8), -2);
  assert.equal(cbrtf(0), 0);
  assert.ok(Object.is(cbrtf(-0), -0));
  assert.equal(cbrtf(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(cbrtf(Number.NaN)));
});
