/**
 * A small, readable ONNX graph builder: inputs/outputs with symbolic dims, initializers from typed arrays
 * (eager or lazy, so multi-GB weights can stream to disk), nodes with typed attributes.
 * Calls → `OnnxModel` (an in-memory description; `model-writer.ts` serialises it).
 */
import { DataType, type DataTypeName } from "./onnx-proto.js";

/** Element data for one tensor: float32 values, fp16/bf16 bits in a Uint16Array, integers or bytes. */
export type TensorValues = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

/** A constant tensor. `data` may be a function, called once when the model is written (streams big weights). */
export interface TensorSpec {
  readonly dataType: DataTypeName;
  readonly dims: readonly number[];
  readonly data: TensorValues | (() => TensorValues);
}

/** A dimension: a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

/** A float attribute (plain numbers are integer attributes). */
export interface FloatAttribute {
  readonly kind: "float";
  readonly value: number;
}
/** A list-of-floats attribute. */
export interface FloatsAttribute {
  readonly kind: "floats";
  readonly value: readonly number[];
}
/** A tensor attribute (e.g. `Constant`'s `value`). */
export interface TensorAttribute {
  readonly kind: "tensor";
  readonly value: TensorSpec;
}
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | FloatAttribute
  | FloatsAttribute
  | TensorAttribute;
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** Marks a number as a float attribute: `{ epsilon: float(1e-5) }`. */
export function float(value: number): FloatAttribute {
  return { kind: "float", value };
}
/** Marks a list as a floats attribute. */
export function floats(value: readonly number[]): FloatsAttribute {
  return { kind: "floats", value };
}

export interface NodeDefinition {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Attributes;
}

export interface ValueDefinition {
  readonly name: string;
  readonly dataType: DataTypeName;
  readonly dims: readonly Dim[];
}

/** An ONNX model in memory, before serialisation. */
export interface OnnxModel {
  readonly graphName: string;
  readonly nodes: readonly NodeDefinition[];
  readonly initializers: ReadonlyMap<string, TensorSpec>;
  readonly inputs: readonly ValueDefinition[];
  readonly outputs: readonly ValueDefinition[];
  /** Opset per domain: "" is the default ONNX domain, "com.microsoft" the ORT contrib ops. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The default ONNX opset the builder targets (LayerNormalization needs 17; from 18 on, every Reduce* op takes
 * its axes as an input, as ReduceSum already does).
 */
export const DEFAULT_OPSET = 18;

/**
 * Builds one ONNX graph. Values are referred to by name; `node` returns the name of its (first) output.
 *
 * @example
 * const g = new GraphBuilder("double");
 * const x = g.input("x", "float32", ["n"]);
 * const two = g.initializer("two", { dataType: "float32", dims: [], data: new Float32Array([2]) });
 * g.output(g.node("Mul", [x, two]), "y", "float32", ["n"]);
 * const model = g.build();
 */
export class GraphBuilder {
  readonly #name: string;
  readonly #nodes: NodeDefinition[] = [];
  readonly #initializers = new Map<string, TensorSpec>();
  readonly #inputs: ValueDefinition[] = [];
  readonly #outputs: ValueDefinition[] = [];
  readonly #names = new Set<string>();
  readonly #constants = new Map<string, string>();
  readonly #opsets: Record<string, number> = { "": DEFAULT_OPSET };
  #scope = "";
  #counter = 0;

  constructor(name: string) {
    this.#name = name;
  }

  /** Declares a graph input. */
  input(name: string, dataType: DataTypeName, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push({ name, dataType, dims });
    return name;
  }

  /** Declares `value` as a graph output called `name` (an Identity node renames it when needed). */
  output(value: string, name: string, dataType: DataTypeName, dims: readonly Dim[]): void {
    if (value !== name) this.node("Identity", [value], {}, { outputs: [name] });
    this.#outputs.push({ name, dataType, dims });
  }

  /** Adds a named constant tensor (a weight). */
  initializer(name: string, tensor: TensorSpec): string {
    this.#claim(name);
    if (typeof tensor.data !== "function") checkLength(name, tensor.dims, tensor.data);
    this.#initializers.set(name, tensor);
    return name;
  }

  /** A small int64 constant (shapes, axes), shared between nodes that use the same values. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.#shared("i64", values, dims, () => BigInt64Array.from(values, (v) => BigInt(v)), "int64");
  }

  /** A small float32 or fp16 constant, shared between nodes that use the same values. */
  scalar(value: number, dataType: "float32" | "float16", toBits?: (v: number) => number): string {
    const data = dataType === "float32" ? Float32Array.of(value) : Uint16Array.of(toBits!(value));
    return this.#shared(dataType, [value], [], () => data, dataType);
  }

  /** Adds a node and returns the name of its first output. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    options: { readonly outputs?: readonly string[]; readonly domain?: string; readonly name?: string } = {},
  ): string {
    return this.nodeOutputs(opType, inputs, options.outputs ?? 1, attributes, options)[0];
  }

  /** Adds a node with several outputs (a count gets generated names) and returns their names. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly string[],
    attributes: Attributes = {},
    options: { readonly domain?: string; readonly name?: string } = {},
  ): string[] {
    const id = this.#counter++;
    const base = options.name ?? `${this.#scope}${opType}_${id}`;
    const names =
      typeof outputs === "number"
        ? Array.from({ length: outputs }, (_, i) => (outputs === 1 ? base : `${base}_${i}`))
        : [...outputs];
    for (const n of names) this.#claim(n);
    const domain = options.domain ?? "";
    if (domain !== "" && this.#opsets[domain] === undefined) this.#opsets[domain] = 1;
    this.#nodes.push({ name: base, opType, domain, inputs: [...inputs], outputs: names, attributes });
    return names;
  }

  /** Runs `build` with generated names prefixed by `scope/` (readable graphs, e.g. "visual.block3/"). */
  scoped<T>(scope: string, build: () => T): T {
    const previous = this.#scope;
    this.#scope = `${previous}${scope}/`;
    try {
      return build();
    } finally {
      this.#scope = previous;
    }
  }

  /** Finishes the graph. */
  build(metadata: Readonly<Record<string, string>> = {}): OnnxModel {
    return {
      graphName: this.#name,
      nodes: [...this.#nodes],
      initializers: new Map(this.#initializers),
      inputs: [...this.#inputs],
      outputs: [...this.#outputs],
      opsets: { ...this.#opsets },
      metadata: { ...metadata },
    };
  }

  #shared(
    kind: string,
    values: readonly number[],
    dims: readonly number[],
    make: () => TensorValues,
    dataType: DataTypeName,
  ): string {
    const key = `${kind}:${dims.join("x")}:${values.join(",")}`;
    let name = this.#constants.get(key);
    if (name === undefined) {
      name = `const_${this.#constants.size}_${kind}`;
      this.initializer(name, { dataType, dims, data: make() });
      this.#constants.set(key, name);
    }
    return name;
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`GraphBuilder: the name "${name}" is already used`);
    this.#names.add(name);
  }
}

/** Bytes per element of each data type. */
export const BYTES_PER_ELEMENT: Readonly<Record<DataTypeName, number>> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
  bfloat16: 2,
};

/** Number of elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Throws when a tensor's data does not match its dims (a builder bug, not a user error). */
export function checkLength(name: string, dims: readonly number[], data: TensorValues): void {
  if (data.length !== elementCount(dims)) {
    throw new Error(`GraphBuilder: tensor "${name}" has ${data.length} values for dims [${dims.join(", ")}]`);
  }
}

/** The ONNX enum value of a data type name. */
export function dataTypeCode(name: DataTypeName): number {
  return DataType[name];
}
