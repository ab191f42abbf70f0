/**
 * Reading the reference fixtures kept in the repository (`test/fixtures`, a copy of the shared fixtures with the
 * same layout; see `test/fixtures/PROVENANCE.md`). `GRITLOC_FIXTURES` overrides the location.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Absolute path of a file under the fixtures folder. */
export function fixturePath(...parts: string[]): string {
  return join(process.env.GRITLOC_FIXTURES ?? resolve(repoRoot, "test/fixtures"), ...parts);
}

/** Parsed JSON fixture. */
export function readFixtureJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), "utf8")) as T;
}

function bytes(parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

/** A headerless little-endian float32 array (copied so it is aligned). */
export function readF32(...parts: string[]): Float32Array {
  const b = bytes(parts);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** A headerless little-endian int32 array. */
export function readI32(...parts: string[]): Int32Array {
  const b = bytes(parts);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** A headerless little-endian uint16 array. */
export function readU16(...parts: string[]): Uint16Array {
  const b = bytes(parts);
  return new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** A headerless uint8 array. */
export function readU8(...parts: string[]): Uint8Array {
  const b = bytes(parts);
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The repository root (for tests that run the CLI or read repo files). */
export const REPO_ROOT = repoRoot;
