/**
 * Serialises an `OnnxModel`: to bytes with every weight inline (small graphs, tests), or to `model.onnx` plus
 * `model.onnx.data` with large weights as external data (protobuf caps a message at 2 GiB; ViT-L/14 is 1.2 GB
 * in fp32). External tensors start on 4 KiB boundaries so ONNX Runtime can memory-map them.
 */
import { basename } from "node:path";
import { AtomicFileWriter } from "../atomic-file.js";
import {
  type AttributeValue,
  checkLength,
  dataTypeCode,
  type NodeDefinition,
  type OnnxModel,
  type TensorSpec,
  type TensorValues,
  type ValueDefinition,
} from "./graph-builder.js";
import {
  type AttributeMessage,
  AttributeType,
  encodeModelMessage,
  type ModelMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from "./onnx-proto.js";

const IR_VERSION = 8;
const EXTERNAL_ALIGNMENT = 4096;
const PRODUCER = "gritloc";

function bytesOf(values: TensorValues): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function resolveData(name: string, tensor: TensorSpec): TensorValues {
  const data = typeof tensor.data === "function" ? tensor.data() : tensor.data;
  checkLength(name, tensor.dims, data);
  return data;
}

function inlineTensor(name: string, tensor: TensorSpec): TensorMessage {
  return {
    name,
    dims: tensor.dims,
    dataType: dataTypeCode(tensor.dataType),
    rawData: bytesOf(resolveData(name, tensor)),
  };
}

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: wrap non-integer ${value} in float()`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === "string")
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value as number[] };
  const typed = value as Exclude<AttributeValue, number | string | readonly number[]>;
  switch (typed.kind) {
    case "float":
      return { name, type: AttributeType.FLOAT, f: typed.value };
    case "floats":
      return { name, type: AttributeType.FLOATS, floats: typed.value };
    case "tensor":
      return { name, type: AttributeType.TENSOR, t: inlineTensor(name, typed.value) };
  }
}

function nodeMessage(node: NodeDefinition): NodeMessage {
  return {
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    input: node.inputs,
    output: node.outputs,
    attribute: Object.entries(node.attributes).map(([k, v]) => attribute(k, v)),
  };
}

function valueInfo(value: ValueDefinition): ValueInfoMessage {
  return {
    name: value.name,
    type: {
      tensorType: {
        elemType: dataTypeCode(value.dataType),
        shape: { dim: value.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function modelMessage(model: OnnxModel, initializers: TensorMessage[]): ModelMessage {
  return {
    irVersion: IR_VERSION,
    producerName: PRODUCER,
    producerVersion: "1",
    opsetImport: Object.entries(model.opsets).map(([domain, version]) => ({ domain, version })),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graphName,
      node: model.nodes.map(nodeMessage),
      initializer: initializers,
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
  };
}

/** The model as ONNX bytes with every initializer inline; for graphs well under 2 GiB. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const initializers = [...model.initializers].map(([name, tensor]) => inlineTensor(name, tensor));
  return encodeModelMessage(modelMessage(model, initializers));
}

export interface WriteModelOptions {
  /** Initializers of at least this many bytes go to `<path>.data` (default 1 MiB). */
  readonly externalThresholdBytes?: number;
}

/**
 * Writes `path` (the graph) and, when any weight is large, `<path>.data`; lazy tensors are produced and
 * written one at a time. Both files appear atomically, the data file first (the graph names it, so a graph
 * never stands without its data); on any error neither is left half-written.
 * @throws GritlocError E_FILE_ACCESS naming the file that cannot be written.
 */
export async function writeModelFiles(
  model: OnnxModel,
  path: string,
  options: WriteModelOptions = {},
): Promise<void> {
  const threshold = options.externalThresholdBytes ?? 1 << 20;
  const dataPath = `${path}.data`;
  const initializers: TensorMessage[] = [];
  let data: AtomicFileWriter | undefined; // opened at the first large weight: small models get no data file
  let graph: AtomicFileWriter | undefined;
  let offset = 0;
  try {
    for (const [name, tensor] of model.initializers) {
      const values = resolveData(name, tensor);
      if (values.byteLength < threshold) {
        initializers.push({
          name,
          dims: tensor.dims,
          dataType: dataTypeCode(tensor.dataType),
          rawData: bytesOf(values),
        });
        continue;
      }
      data ??= await AtomicFileWriter.open(dataPath);
      const start = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
      await data.write(new Uint8Array(start - offset)); // zeros up to the aligned start
      await data.write(bytesOf(values));
      offset = start + values.byteLength;
      initializers.push({
        name,
        dims: tensor.dims,
        dataType: dataTypeCode(tensor.dataType),
        dataLocation: 1,
        externalData: [
          { key: "location", value: basename(dataPath) },
          { key: "offset", value: String(start) },
          { key: "length", value: String(values.byteLength) },
        ],
      });
    }
    graph = await AtomicFileWriter.open(path);
    await graph.write(encodeModelMessage(modelMessage(model, initializers)));
    await data?.commit();
    await graph.commit();
  } catch (error) {
    // The write's own error matters more than a failed cleanup, and one failed cleanup must not skip the other.
    await Promise.allSettled([data?.abort(), graph?.abort()]);
    throw error;
  }
}
