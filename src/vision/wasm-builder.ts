/**
 * A tiny WebAssembly assembler: expression helpers → bytecode → a module with one exported memory and
 * exported functions. Used to run SLIC's float32 pixel loops with native single-precision arithmetic
 * (JavaScript can only emulate float32 through `Math.fround`, several times slower).
 */

/** Bytecode of one expression or statement. */
export type Code = readonly number[];

export const I32 = 0x7f;
export const F32 = 0x7d;
/** 128-bit SIMD vector; here four f32 or four i32 lanes. */
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function utf8(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  return [...uleb(bytes.length), ...bytes];
}

const cat = (...parts: Code[]): Code => parts.flat();

// Variables and constants.
export const get = (local: number): Code => [0x20, ...uleb(local)];
export const set = (local: number, value: Code): Code => [...value, 0x21, ...uleb(local)];
export const i32 = (v: number): Code => [0x41, ...sleb(v)];
export const f32 = (v: number): Code => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];

// Memory (natural alignment); addresses are byte offsets, `offset` a constant added to them.
export const loadI32 = (address: Code, offset = 0): Code => [...address, 0x28, 2, ...uleb(offset)];
export const loadF32 = (address: Code, offset = 0): Code => [...address, 0x2a, 2, ...uleb(offset)];
export const storeI32 = (address: Code, value: Code, offset = 0): Code => [
  ...address,
  ...value,
  0x36,
  2,
  ...uleb(offset),
];
export const storeF32 = (address: Code, value: Code, offset = 0): Code => [
  ...address,
  ...value,
  0x38,
  2,
  ...uleb(offset),
];
/** Byte address of element `index` of a 4-byte array at byte offset `base`. */
export const at = (base: Code, index: Code): Code => [...base, ...index, ...i32(2), 0x74, 0x6a];

// i32 arithmetic and comparisons (signed).
const i32Binary =
  (opcode: number) =>
  (a: Code, b: Code): Code => [...a, ...b, opcode];
export const add = i32Binary(0x6a);
export const sub = i32Binary(0x6b);
export const mul = i32Binary(0x6c);
export const shl = i32Binary(0x74);
export const shr = i32Binary(0x75);
export const eq = i32Binary(0x46);
export const lt = i32Binary(0x48);
export const ge = i32Binary(0x4e);
export const and = i32Binary(0x71);
export const min = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x48, 0x1b];
export const max = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x4a, 0x1b];

// f32 arithmetic (IEEE single precision, round to nearest even, never fused) and comparisons.
const f32Binary =
  (opcode: number) =>
  (a: Code, b: Code): Code => [...a, ...b, opcode];
export const fadd = f32Binary(0x92);
export const fsub = f32Binary(0x93);
export const fmul = f32Binary(0x94);
export const fdiv = f32Binary(0x95);
export const fmin = f32Binary(0x96);
export const fmax = f32Binary(0x97);
export const fgt = f32Binary(0x5e);
export const fle = f32Binary(0x5f);
export const ffloor = (a: Code): Code => [...a, 0x8e];
/** i32 → f32 (exact below 2^24). */
export const toF32 = (a: Code): Code => [...a, 0xb2];
/** f32 → i32, truncating toward zero. */
export const truncToI32 = (a: Code): Code => [...a, 0xa8];

// Fixed-width SIMD on four 32-bit lanes (prefix 0xfd, LEB128 opcode). f32x4 arithmetic is IEEE single
// precision per lane, like the scalar ops; comparisons give all-ones / all-zero lane masks.
const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];
const v128Binary =
  (opcode: number) =>
  (a: Code, b: Code): Code => [...a, ...b, ...simd(opcode)];
/** Loads 16 bytes; addresses only need 4-byte alignment (the hint says so). */
export const loadV128 = (address: Code, offset = 0): Code => [...address, ...simd(0x00), 2, ...uleb(offset)];
export const storeV128 = (address: Code, value: Code, offset = 0): Code => [
  ...address,
  ...value,
  ...simd(0x0b),
  2,
  ...uleb(offset),
];
/** A constant vector of four i32 lanes. */
export const i32x4 = (lanes: readonly [number, number, number, number]): Code => [
  ...simd(0x0c),
  ...new Uint8Array(Int32Array.from(lanes).buffer),
];
export const splatI32 = (a: Code): Code => [...a, ...simd(0x11)];
export const splatF32 = (a: Code): Code => [...a, ...simd(0x13)];
export const laneF32 = (a: Code, lane: number): Code => [...a, ...simd(0x1f), lane];
export const ltI32x4 = v128Binary(0x39);
export const feqF32x4 = v128Binary(0x41);
export const fltF32x4 = v128Binary(0x43);
export const andV128 = v128Binary(0x4e);
export const orV128 = v128Binary(0x50);
/** Per bit: `mask ? a : b`. */
export const select128 = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...simd(0x52)];
export const faddF32x4 = v128Binary(0xe4);
export const fsubF32x4 = v128Binary(0xe5);
export const fmulF32x4 = v128Binary(0xe6);
export const fmaxF32x4 = v128Binary(0xe9);

// Structured control flow.
export const when = (condition: Code, then: Code, otherwise?: Code): Code =>
  otherwise === undefined
    ? [...condition, 0x04, 0x40, ...then, 0x0b]
    : [...condition, 0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b];
/** `while (condition) body` (the body must not branch out itself). */
export const whileLoop = (condition: Code, body: Code): Code => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...condition,
  0x45,
  0x0d,
  1,
  ...body,
  0x0c,
  0,
  0x0b,
  0x0b,
];
/** `for (local = from; local < to; local++) body`, with `to` evaluated every iteration. */
export const forRange = (local: number, from: Code, to: Code, body: Code): Code =>
  cat(set(local, from), whileLoop(lt(get(local), to), cat(body, set(local, add(get(local), i32(1))))));
export const call = (fn: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...uleb(fn)];
export const seq = cat;

/**
 * Declares a function with named parameters and locals (numbered in that order) and builds its body from them.
 * @example defineFunction("twice", { x: I32 }, {}, [I32], (v) => add(get(v.x), get(v.x)))
 */
export function defineFunction<P extends Record<string, ValueType>, L extends Record<string, ValueType>>(
  name: string,
  params: P,
  locals: L,
  results: readonly ValueType[],
  body: (v: Record<keyof P | keyof L, number>) => Code,
): WasmFunction {
  const names = [...Object.keys(params), ...Object.keys(locals)];
  const index = Object.fromEntries(names.map((n, i) => [n, i])) as Record<keyof P | keyof L, number>;
  return { name, params: Object.values(params), results, locals: Object.values(locals), body: body(index) };
}

/** One function: its signature, extra locals and body. Locals are numbered after the parameters. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly locals: readonly ValueType[];
  readonly body: Code;
}

/** Module bytes: one type per function, a memory exported as "memory", every function exported by name. */
export function buildModule(functions: readonly WasmFunction[], initialPages: number): Uint8Array {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const bodies = functions.map((f) => {
    const code = [...vector(f.locals.map((t) => [1, t])), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  const exports = [
    [...utf8("memory"), 0x02, 0],
    ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]),
  ];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(5, vector([[0x00, ...uleb(initialPages)]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}

/** The parts of the WebAssembly JS API used here (TypeScript's ES libraries declare it only with the DOM). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: object) => { readonly exports: Record<string, unknown> };
}

/** Compiles and instantiates module bytes synchronously (fine for small modules); returns its exports. */
export function instantiate(bytes: Uint8Array): Record<string, unknown> {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  return new api.Instance(new api.Module(bytes), {}).exports;
}
