/**
 * src/onnx/nn/conv.ts on onnxruntime-node (CPU): a convolution with a frozen batch norm folded into it equals
 * Conv then `(y − μ)·γ/√(σ² + ε) + β` computed directly in float64 (≤ 1e-5 relative: float32 accumulation and
 * one rounding of the folded weights), with stride and padding; `conv2d` adds its bias.
 */
import { test } from "node:test";
import { GraphBuilder } from "../../../src/onnx/graph-builder.js";
import { encodeModel } from "../../../src/onnx/model-writer.js";
import { NnContext, type WeightReader } from "../../../src/onnx/nn/context.js";
import { batchNormNames, conv2d, conv2dBatchNorm } from "../../../src/onnx/nn/conv.js";
import { OnnxSession } from "../../../src/onnx/session.js";
import { seededUniform } from "../../../src/seeded-uniform.js";
import { assertClose } from "../../support/assert-close.js";

const next = seededUniform(3);
const random = (n: number, lo: number, hi: number) =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
const [cin, cout, k, size] = [2, 3, 3, 5];
const tensors = new Map<string, { shape: number[]; data: Float32Array }>([
  ["conv.weight", { shape: [cout, cin, k, k], data: random(cout * cin * k * k, -1, 1) }],
  ["conv.bias", { shape: [cout], data: random(cout, -1, 1) }],
  ["conv.norm.weight", { shape: [cout], data: random(cout, 0.5, 1.5) }],
  ["conv.norm.bias", { shape: [cout], data: random(cout, -0.5, 0.5) }],
  ["conv.norm.running_mean", { shape: [cout], data: random(cout, -2, 2) }],
  ["conv.norm.running_var", { shape: [cout], data: random(cout, 0.1, 3) }],
]);
const weights: WeightReader = {
  has: (n) => tensors.has(n),
  shape: (n) => tensors.get(n)!.shape,
  read: (n) => tensors.get(n)!.data,
};
const input = random(cin * size * size, -3, 3);

/** Direct convolution in float64: stride 2, padding 1 → [cout, 3, 3]. */
function referenceConv(bias?: Float32Array): Float64Array {
  const w = tensors.get("conv.weight")!.data;
  const out = Math.floor((size + 2 - k) / 2) + 1;
  const y = new Float64Array(cout * out * out);
  for (let o = 0; o < cout; o++)
    for (let oy = 0; oy < out; oy++)
      for (let ox = 0; ox < out; ox++) {
        let acc = bias === undefined ? 0 : bias[o];
        for (let c = 0; c < cin; c++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = 2 * oy - 1 + ky;
              const ix = 2 * ox - 1 + kx;
              if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
              acc += w[((o * cin + c) * k + ky) * k + kx] * input[(c * size + iy) * size + ix];
            }
        y[(o * out + oy) * out + ox] = acc;
      }
  return y;
}

async function run(build: (ctx: NnContext, x: string) => string): Promise<Float32Array> {
  const g = new GraphBuilder("conv");
  const ctx = new NnContext(g, weights, "fp32");
  const x = g.input("x", "float32", [1, cin, size, size]);
  g.output(build(ctx, x), "y", "float32", [1, cout, 3, 3]);
  const session = await OnnxSession.create(encodeModel(g.build()), { provider: "cpu" });
  try {
    const out = await session.run({ x: { type: "float32", data: input, dims: [1, cin, size, size] } });
    return out.y.data as Float32Array;
  } finally {
    await session.dispose();
  }
}

test("conv2dBatchNorm equals Conv then the frozen batch norm (stride 2, padding 1)", async () => {
  const actual = await run((ctx, x) =>
    conv2dBatchNorm(ctx, x, "conv.weight", batchNormNames("conv.norm"), { stride: 2, pad: 1 }),
  );
  const conv = referenceConv();
  const get = (n: string) => tensors.get(`conv.norm.${n}`)!.data;
  const expected = conv.map((v, i) => {
    const c = Math.floor(i / 9);
    return (
      ((v - get("running_mean")[c]) * get("weight")[c]) / Math.sqrt(get("running_var")[c] + 1e-5) +
      get("bias")[c]
    );
  });
  assertClose(actual, expected, { atol: 1e-5, rtol: 1e-5 }, "folded conv + BN");
});

test("conv2d adds its bias", async () => {
  const actual = await run((ctx, x) => conv2d(ctx, x, "conv.weight", "conv.bias", { stride: 2, pad: 1 }));
  assertClose(
    actual,
    referenceConv(tensors.get("conv.bias")!.data),
    { atol: 1e-5, rtol: 1e-5 },
    "conv + bias",
  );
});
