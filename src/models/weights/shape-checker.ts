/**
 * Checking a checkpoint's tensor shapes against what its config implies, before any graph is built:
 * weights + the family's error wording → `tensor` / `linear` checks that throw on the first mismatch.
 * Each family keeps its own messages and decides which tensors to check, in which order.
 */
import type { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import type { LinearNames } from "../../onnx/nn/names.js";

export interface ShapeProblems {
  /** The error for a tensor whose shape differs from `expected`. */
  mismatch(name: string, actual: readonly number[], expected: readonly number[]): GritlocError;
  /** The error for an absent tensor; without it, the reader's own `shape` error stands. */
  missing?(name: string): GritlocError;
}

export interface ShapeChecker {
  /** Throws unless tensor `name` has exactly shape `expected`. */
  tensor(name: string, expected: readonly number[]): void;
  /** A linear layer from `inp` to `out` features: its weight in its layout ([out, in] by default), and its bias. */
  linear(names: LinearNames, inp: number, out: number): void;
}

/**
 * A checker over `weights` that reports problems as `problems` words them.
 * @example
 * const check = createShapeChecker(weights, { mismatch: (name) => new GritlocError("E_WEIGHTS_INVALID", name) });
 * check.linear({ weight: "fc.weight", bias: "fc.bias" }, 768, 3072);
 */
export function createShapeChecker(weights: WeightReader, problems: ShapeProblems): ShapeChecker {
  const tensor = (name: string, expected: readonly number[]): void => {
    if (problems.missing !== undefined && !weights.has(name)) throw problems.missing(name);
    const actual = weights.shape(name);
    if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
      throw problems.mismatch(name, actual, expected);
    }
  };
  return {
    tensor,
    linear(names, inp, out) {
      tensor(names.weight, names.layout === "in_out" ? [inp, out] : [out, inp]);
      if (names.bias !== undefined) tensor(names.bias, [out]);
    },
  };
}
