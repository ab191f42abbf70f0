/**
 * The subset of the ONNX IR protobuf schema (`onnx/onnx.proto3`, IR version 8) that the graph builder writes,
 * declared here as a protobufjs descriptor (field numbers from the spec), so no generated code is needed.
 * Plain message objects → ModelProto bytes.
 */
import protobuf from "protobufjs";

/** `TensorProto.DataType` values used by gritloc. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  bfloat16: 16,
} as const;
export type DataTypeName = keyof typeof DataType;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

const repeated = "repeated" as const;

const descriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: {
          fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        TensorProto: {
          fields: {
            dims: { rule: repeated, type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            floatData: { rule: repeated, type: "float", id: 4 },
            int32Data: { rule: repeated, type: "int32", id: 5 },
            int64Data: { rule: repeated, type: "int64", id: 7 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
            docString: { type: "string", id: 12 },
            externalData: { rule: repeated, type: "StringStringEntryProto", id: 13 },
            dataLocation: { type: "int32", id: 14 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: { rule: repeated, type: "float", id: 7 },
            ints: { rule: repeated, type: "int64", id: 8 },
            strings: { rule: repeated, type: "bytes", id: 9 },
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: repeated, type: "string", id: 1 },
            output: { rule: repeated, type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: repeated, type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            domain: { type: "string", id: 7 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: repeated, type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: { type: "Tensor", id: 1 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: repeated, type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: repeated, type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: repeated, type: "ValueInfoProto", id: 11 },
            output: { rule: repeated, type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: repeated, type: "ValueInfoProto", id: 13 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: repeated, type: "OperatorSetIdProto", id: 8 },
            metadataProps: { rule: repeated, type: "StringStringEntryProto", id: 14 },
          },
        },
      },
    },
  },
};

/** One `key = value` metadata or external-data entry. */
export interface StringStringEntryMessage {
  readonly key: string;
  readonly value: string;
}

export interface TensorMessage {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly rawData?: Uint8Array;
  readonly externalData?: readonly StringStringEntryMessage[];
  /** 1 = EXTERNAL. */
  readonly dataLocation?: number;
}

export interface AttributeMessage {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: TensorMessage;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
  readonly strings?: readonly Uint8Array[];
}

export interface NodeMessage {
  readonly name: string;
  readonly opType: string;
  readonly domain?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly AttributeMessage[];
}

export interface ValueInfoMessage {
  readonly name: string;
  readonly type: {
    readonly tensorType: {
      readonly elemType: number;
      readonly shape: { readonly dim: readonly ({ dimValue: number } | { dimParam: string })[] };
    };
  };
}

export interface ModelMessage {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly opsetImport: readonly { readonly domain: string; readonly version: number }[];
  readonly metadataProps?: readonly StringStringEntryMessage[];
  readonly graph: {
    readonly name: string;
    readonly node: readonly NodeMessage[];
    readonly initializer: readonly TensorMessage[];
    readonly input: readonly ValueInfoMessage[];
    readonly output: readonly ValueInfoMessage[];
  };
}

let modelType: protobuf.Type | undefined;

/** Serialises a ModelProto message (protobuf caps one message at 2 GiB: large weights go to external data). */
export function encodeModelMessage(model: ModelMessage): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");
  return modelType.encode(model as unknown as Record<string, unknown>).finish();
}
