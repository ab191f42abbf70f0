import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PickleDict, type PickleGlobal, unpickle } from "../../../src/models/weights/pickle-reader.js";
import { TorchCheckpoint } from "../../../src/models/weights/torch-checkpoint.js";
import { PickleBuilder, writeTorchZip } from "./support/torch-save.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-pickle-"));

const ORDERED_DICT: ReadonlyMap<string, PickleGlobal> = new Map([
  ["collections OrderedDict", { call: () => new PickleDict("OrderedDict") }],
  ["torch FloatStorage", {}],
]);

function read(p: PickleBuilder) {
  return unpickle(p.bytes(), { source: "test.pkl", globals: ORDERED_DICT });
}

function refusal(pattern: RegExp) {
  return (e: Error & { code?: string }) => {
    assert.equal(e.code, "E_WEIGHTS_INVALID");
    assert.match(e.message, /^test\.pkl: /);
    assert.match(e.message, pattern);
    return true;
  };
}

test("protocol-2 values read back: ints of every width, floats, strings, tuples, lists, dicts and the memo", () => {
  const p = new PickleBuilder().proto().emptyDict().mark();
  p.str("small").int(7).str("wide").int(40000).str("negative").int(-5);
  p.str("long").raw(0x8a, 5, 0, 0, 0, 0, 0x80); // LONG1: -2^39
  p.str("float").raw(0x47, ...Buffer.from([0x3f, 0xf8, 0, 0, 0, 0, 0, 0])); // 1.5 big-endian
  p.str("café").raw(0x71, 1); // BINPUT 1 of the key string
  p.raw(0x5d).int(1).raw(0x61).mark().int(2).int(3).raw(0x65); // [1] then APPENDS 2, 3
  p.str("pair").int(1).raw(0x88).raw(0x86); // (1, True)
  p.str("again").raw(0x68, 1); // BINGET 1
  p.str("none").raw(0x4e);
  const value = read(p.setitems().stop());
  assert.ok(value instanceof PickleDict);
  assert.deepEqual(Object.fromEntries(value.items), {
    small: 7,
    wide: 40000,
    negative: -5,
    long: -(2 ** 39),
    float: 1.5,
    café: [1, 2, 3],
    pair: [1, true],
    again: "café",
    none: null,
  });
  assert.ok(Object.isFrozen(value.items.get("pair")), "tuples are frozen");
});

test("one APPENDS batch of 200 000 items reads (no call-stack limit on batch size)", () => {
  const p = new PickleBuilder().proto().raw(0x5d).mark();
  for (let i = 0; i < 200_000; i++) p.raw(0x4e);
  const value = read(p.raw(0x65).stop());
  assert.ok(Array.isArray(value));
  assert.equal(value.length, 200_000);
});

test("OrderedDict is built by REDUCE and takes attributes (a state dict's _metadata) by BUILD", () => {
  const p = new PickleBuilder().proto().orderedDict().mark().str("w").int(1).setitems();
  p.emptyDict().str("_metadata").str("x").setitem().build().stop();
  const value = read(p);
  assert.ok(value instanceof PickleDict && value.kind === "OrderedDict");
  assert.equal(value.items.get("w"), 1);
  assert.equal(value.attributes.get("_metadata"), "x");
});

test("a GLOBAL outside the allowed set (os.system) is refused, naming the global", () => {
  const p = new PickleBuilder().proto().global("os", "system").str("echo pwned").raw(0x85).reduce().stop();
  assert.throws(() => read(p), refusal(/refused global os\.system/));
});

test("a STACK_GLOBAL outside the allowed set (builtins.eval) is refused", () => {
  const p = new PickleBuilder()
    .proto(4)
    .raw(0x8c, 8, ...Buffer.from("builtins"))
    .raw(0x8c, 4, ...Buffer.from("eval"));
  p.raw(0x93).str("1+1").raw(0x85).reduce().stop();
  assert.throws(() => read(p), refusal(/refused global builtins\.eval/));
});

test("REDUCE is refused on an allowed name that is not callable and on anything that is not a global", () => {
  const onStorage = new PickleBuilder().proto().global("torch", "FloatStorage").emptyTuple().reduce().stop();
  assert.throws(() => read(onStorage), refusal(/refused call of torch\.FloatStorage/));
  const onString = new PickleBuilder().proto().str("os.system").emptyTuple().reduce().stop();
  assert.throws(() => read(onString), refusal(/REDUCE on something that is not a global/));
});

test("opcodes torch.save does not emit are refused: INST, OBJ, NEWOBJ, EXT1, PERSID and unknown bytes", () => {
  const cases: [number[], RegExp][] = [
    [[0x69, ...Buffer.from("os\nsystem\n")], /refused opcode 0x69 \('i'\)/], // INST
    [[0x28, 0x6f], /refused opcode 0x6f \('o'\)/], // OBJ
    [[0x29, 0x29, 0x81], /refused opcode 0x81/], // NEWOBJ
    [[0x82, 1], /refused opcode 0x82/], // EXT1
    [[0x50, ...Buffer.from("0\n")], /refused opcode 0x50 \('P'\)/], // PERSID (text)
    [[0xff], /refused opcode 0xff .*not one torch\.save emits/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => read(new PickleBuilder().proto().raw(...bytes)), refusal(pattern));
  }
});

test("BUILD on anything but an OrderedDict, and BINPERSID without a resolver, are refused", () => {
  const onList = new PickleBuilder().proto().raw(0x5d).emptyDict().build().stop();
  assert.throws(() => read(onList), refusal(/BUILD on something other than an OrderedDict/));
  const persid = new PickleBuilder().proto().str("0").binpersid().stop();
  assert.throws(() => read(persid), refusal(/refused persistent id/));
});

test("malformed pickles are errors, not crashes: truncation, stack underflow, a bad memo index", () => {
  assert.throws(() => read(new PickleBuilder().proto().raw(0x58, 9, 0, 0, 0, 0x41)), refusal(/ends early/));
  assert.throws(() => read(new PickleBuilder().proto().setitem()), refusal(/stack is empty/));
  assert.throws(() => read(new PickleBuilder().proto().raw(0x68, 3)), refusal(/memo entry 3/));
  assert.throws(() => read(new PickleBuilder().proto().int(1).int(2).stop()), refusal(/STOP with a stack/));
});

test("a checkpoint whose data.pkl calls os.system is refused before anything runs, naming the file", async () => {
  const path = join(dir, "evil.pth");
  const pickle = new PickleBuilder()
    .proto()
    .global("os", "system")
    .str("touch pwned")
    .raw(0x85)
    .reduce()
    .stop();
  writeTorchZip(path, pickle.bytes(), {});
  await assert.rejects(TorchCheckpoint.open(path), (e: Error & { code?: string }) => {
    assert.equal(e.code, "E_WEIGHTS_INVALID");
    assert.ok(e.message.includes(path), e.message);
    assert.match(e.message, /archive\/data\.pkl.*refused global os\.system/);
    return true;
  });
});

test("a checkpoint that calls a torch global beyond tensor rebuilding (torch.load) is refused", async () => {
  const path = join(dir, "torch-load.pth");
  const pickle = new PickleBuilder().proto().global("torch", "load").str("x.pth").raw(0x85).reduce().stop();
  writeTorchZip(path, pickle.bytes(), {});
  await assert.rejects(TorchCheckpoint.open(path), /refused global torch\.load/);
});
