/**
 * The state shared by the layer builders: the graph, where weights come from, and the float precision.
 * Weights become initializers once (by name), converted to fp16 bits for fp16 graphs, and are read lazily
 * so a model's tensors stream from the checkpoint to the graph file one at a time.
 */

import { float32ToFloat16Bits, toFloat16Bits } from "../float16.js";
import type { GraphBuilder, TensorValues } from "../graph-builder.js";
import type { Precision } from "../session.js";

/** Read access to float weights by name (e.g. a safetensors file). */
export interface WeightReader {
  has(name: string): boolean;
  /** The tensor's shape; throws E_WEIGHTS_INVALID naming the file and tensor when it is missing. */
  shape(name: string): readonly number[];
  read(name: string): Float32Array;
}

/** A derived tensor: new dims and a function computing its float32 values. */
export interface DerivedWeight {
  readonly dims: readonly number[];
  readonly compute: () => Float32Array;
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

export class NnContext {
  readonly g: GraphBuilder;
  readonly weights: WeightReader;
  readonly precision: Precision;
  /** Names of the initializers already added (shared with `withPrecision` views of the same graph). */
  readonly #added: Set<string>;

  constructor(g: GraphBuilder, weights: WeightReader, precision: Precision, added = new Set<string>()) {
    this.g = g;
    this.weights = weights;
    this.precision = precision;
    this.#added = added;
  }

  /** The same graph and weights with another precision (e.g. a float32 island inside an fp16 graph). */
  withPrecision(precision: Precision): NnContext {
    return precision === this.precision ? this : new NnContext(this.g, this.weights, precision, this.#added);
  }

  /** The ONNX element type of activations and weights. */
  get floatType(): "float32" | "float16" {
    return this.precision === "fp16" ? "float16" : "float32";
  }

  /** A checkpoint tensor as an initializer named after it. */
  weight(name: string): string {
    return this.derived(name, { dims: this.weights.shape(name), compute: () => this.weights.read(name) });
  }

  /** A tensor computed at build time (transposed, fused, resampled...) as an initializer called `name`. */
  derived(name: string, weight: DerivedWeight): string {
    if (this.#added.has(name)) return name;
    this.#added.add(name);
    const fp16 = this.precision === "fp16";
    this.g.initializer(name, {
      dataType: this.floatType,
      dims: weight.dims,
      data: (): TensorValues => (fp16 ? toFloat16Bits(weight.compute()) : weight.compute()),
    });
    return name;
  }

  /** A float scalar constant in the graph's precision. */
  scalar(value: number): string {
    return this.g.scalar(value, this.floatType, float32ToFloat16Bits);
  }

  /** Casts a float32 graph input to the graph's precision (a no-op for fp32). */
  fromFloat32(value: string): string {
    return this.precision === "fp16" ? this.g.node("Cast", [value], { to: 10 }) : value;
  }

  /** Casts a value in the graph's precision to float32 (a no-op for fp32). */
  toFloat32(value: string): string {
    return this.precision === "fp16" ? this.g.node("Cast", [value], { to: 1 }) : value;
  }
}
