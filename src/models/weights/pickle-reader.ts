/**
 * A small, safe reader of Python pickles: bytes → plain values, for the subset of opcodes that `torch.save`
 * emits (protocol 2, plus the framing of protocol 4). Nothing is ever executed: a global is only a name, and
 * the caller says which names exist and what calling one builds (e.g. `collections.OrderedDict()`); any other
 * global, a call on a name that is not callable, or any other opcode is refused with E_WEIGHTS_INVALID naming
 * the file.
 */
import { GritlocError } from "../../errors.js";

/** A dict key: what a checkpoint's dicts use (strings and integers), never a container. */
export type PickleKey = string | number | bigint | boolean | null;

/** What a pickle yields: primitives, lists, tuples (frozen arrays), dicts and the caller's own objects. */
export type PickleValue =
  | PickleKey
  | PickleValue[]
  | readonly PickleValue[]
  | PickleDict
  | PickleGlobalRef
  | object;

/** A dict, or a `collections.OrderedDict` (`kind`), with the attributes a BUILD opcode set on it. */
export class PickleDict {
  readonly kind: "dict" | "OrderedDict";
  readonly items = new Map<PickleKey, PickleValue>();
  /** Instance attributes set by BUILD, e.g. a state dict's `_metadata`. */
  readonly attributes = new Map<string, PickleValue>();

  constructor(kind: "dict" | "OrderedDict") {
    this.kind = kind;
  }
}

/** A global the caller allowed, as pushed by GLOBAL / STACK_GLOBAL ("module name"). */
export class PickleGlobalRef {
  readonly name: string;
  readonly call: ((args: readonly PickleValue[]) => PickleValue) | undefined;

  constructor(name: string, call: ((args: readonly PickleValue[]) => PickleValue) | undefined) {
    this.name = name;
    this.call = call;
  }
}

/** One allowed global: a value-only name (`call` absent) or a constructor REDUCE may call with its args. */
export interface PickleGlobal {
  readonly call?: (args: readonly PickleValue[]) => PickleValue;
}

export interface UnpickleOptions {
  /** The file (or member) the bytes come from, for error messages. */
  readonly source: string;
  /** Allowed globals by "module name" (e.g. "collections OrderedDict"); every other one is refused. */
  readonly globals: ReadonlyMap<string, PickleGlobal>;
  /** Resolves BINPERSID's id (e.g. torch's storage records); without it the opcode is refused. */
  readonly persistentLoad?: (pid: PickleValue) => PickleValue;
}

const MARK = Symbol("mark");
type StackItem = PickleValue | typeof MARK;

/** Opcode bytes (Python's `pickle.py` names). */
const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  MEMOIZE: 0x94,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  BUILD: 0x62,
  BINPERSID: 0x51,
  PROTO: 0x80,
  FRAME: 0x95,
} as const;

const OPCODE_NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));

const utf8 = new TextDecoder("utf-8", { fatal: true });

function refused(source: string, problem: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${source}: ${problem}. Only PyTorch checkpoints written by torch.save (tensors in dicts) can be read; ` +
      "the file is not unpickled any further.",
  );
}

function isKey(value: PickleValue): value is PickleKey {
  return value === null || ["string", "number", "bigint", "boolean"].includes(typeof value);
}

/** The opcode byte as Python's pickletools shows it, e.g. `0x69 ('i')`. */
function describeOpcode(code: number): string {
  const printable = code >= 0x20 && code < 0x7f ? ` ('${String.fromCharCode(code)}')` : "";
  return `0x${code.toString(16).padStart(2, "0")}${printable}`;
}

/**
 * Unpickles `bytes`. Tuples come back as frozen arrays, lists as arrays, dicts as {@link PickleDict}.
 * @throws GritlocError E_WEIGHTS_INVALID naming `options.source`: a refused global, opcode or call, or bytes
 *   that are not a well-formed pickle.
 * @example
 * unpickle(bytes, { source: "model.pth/data.pkl", globals: new Map([["collections OrderedDict", { call: () => new PickleDict("OrderedDict") }]]) });
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PickleValue {
  const { source, globals } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;

  const bad = (problem: string) => refused(source, `${problem} at byte ${pos}`);
  const need = (n: number) => {
    if (pos + n > bytes.length) throw bad("the pickle ends early");
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = () => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const text = (n: number) => {
    const raw = take(n);
    try {
      return utf8.decode(raw);
    } catch {
      throw bad("a string is not valid UTF-8");
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw bad("a GLOBAL name has no newline");
    const s = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw bad("the stack is empty");
    return v;
  };
  const top = (): PickleValue => {
    const v = stack.at(-1);
    if (v === undefined || v === MARK) throw bad("the stack is empty");
    return v;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw bad("no MARK on the stack");
    const items = stack.splice(at + 1) as PickleValue[];
    stack.pop();
    return items;
  };
  const lookupGlobal = (module: string, name: string): PickleGlobalRef => {
    const full = `${module} ${name}`;
    const allowed = globals.get(full);
    if (allowed === undefined) throw bad(`refused global ${module}.${name}`);
    return new PickleGlobalRef(`${module}.${name}`, allowed.call);
  };
  const setItems = (dict: PickleValue, pairs: PickleValue[]) => {
    if (!(dict instanceof PickleDict)) throw bad("SETITEM(S) on something that is not a dict");
    if (pairs.length % 2 !== 0) throw bad("SETITEMS with an odd number of values");
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i];
      if (!isKey(key)) throw bad("a dict key that is not a string or number");
      dict.items.set(key, pairs[i + 1]);
    }
  };
  const appendItems = (list: PickleValue, items: PickleValue[]) => {
    if (!Array.isArray(list) || Object.isFrozen(list)) throw bad("APPEND(S) on something that is not a list");
    for (const item of items) list.push(item); // not push(...items): a huge batch would overflow the call stack
  };

  for (;;) {
    const code = u8();
    switch (code) {
      case OP.PROTO: {
        const protocol = u8();
        if (protocol > 5) throw bad(`pickle protocol ${protocol} is unknown`);
        break;
      }
      case OP.FRAME:
        take(8); // a length hint only; the bytes that follow are read as usual
        break;
      case OP.STOP:
        if (stack.length !== 1) throw bad("STOP with a stack that does not hold exactly one value");
        return pop();
      case OP.MARK:
        stack.push(MARK);
        break;
      case OP.BININT:
        need(4);
        pos += 4;
        stack.push(view.getInt32(pos - 4, true));
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1: {
        const n = u8();
        if (n > 8) throw bad(`a ${n}-byte integer is too large`);
        let value = 0n;
        const digits = take(n);
        for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
        if (n > 0 && digits[n - 1] >= 0x80) value -= 1n << BigInt(8 * n);
        const small = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
        stack.push(small ? Number(value) : value);
        break;
      }
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BINFLOAT:
        need(8);
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break;
      case OP.BINUNICODE:
        stack.push(text(u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(text(u8()));
        break;
      case OP.EMPTY_TUPLE:
        stack.push(Object.freeze([]));
        break;
      case OP.TUPLE:
        stack.push(Object.freeze(popMark()));
        break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = code - OP.TUPLE1 + 1;
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(Object.freeze(items));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.APPEND: {
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(new PickleDict("dict"));
        break;
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const pairs = popMark();
        setItems(top(), pairs);
        break;
      }
      case OP.BINPUT:
        memo.set(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const index = code === OP.BINGET ? u8() : u32();
        if (!memo.has(index)) throw bad(`memo entry ${index} was never stored`);
        stack.push(memo.get(index) as PickleValue);
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        stack.push(lookupGlobal(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string")
          throw bad("STACK_GLOBAL on values that are not strings");
        stack.push(lookupGlobal(module, name));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PickleGlobalRef)) throw bad("REDUCE on something that is not a global");
        if (callable.call === undefined) throw bad(`refused call of ${callable.name}`);
        if (!Array.isArray(args)) throw bad(`REDUCE of ${callable.name} without an argument tuple`);
        stack.push(callable.call(args));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        // Only an OrderedDict's instance dict is accepted (torch's state-dict `_metadata`).
        if (!(target instanceof PickleDict) || target.kind !== "OrderedDict")
          throw bad("BUILD on something other than an OrderedDict");
        if (!(state instanceof PickleDict) || state.kind !== "dict")
          throw bad("BUILD with a state that is not a dict of attributes");
        for (const [key, value] of state.items) {
          if (typeof key !== "string") throw bad("BUILD with an attribute name that is not a string");
          target.attributes.set(key, value);
        }
        break;
      }
      case OP.BINPERSID: {
        if (options.persistentLoad === undefined) throw bad("refused persistent id (BINPERSID)");
        stack.push(options.persistentLoad(pop()));
        break;
      }
      default:
        throw bad(
          `refused opcode ${describeOpcode(code)}${OPCODE_NAMES.has(code) ? "" : " (not one torch.save emits)"}`,
        );
    }
  }
}
