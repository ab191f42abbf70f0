/**
 * Test doubles for runner logic: a deterministic Localizer (boxes derived from the prepared pixels and the
 * query, so a wrong image/query pairing changes the output) and a prepare function that reads the file.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { GritlocError } from "../../../src/errors.js";
import type { Localization, Localizer } from "../../../src/models/localizer.js";
import type { PreparedImage, PrepareSpec } from "../../../src/vision/prepare.js";

export interface TestLocalizerOptions {
  readonly optionsHash?: string;
  /** Queries whose localize call throws (a model failure). */
  readonly failQueries?: ReadonlySet<string>;
  /** Time each localize call takes (ms), like a model would. @default 0 */
  readonly delayMs?: number;
  /** Calls made, for assertions on grouping. */
  readonly calls?: { imageBytes: number; queries: string[] }[];
}

function hashInts(...parts: (string | Uint8Array)[]): number[] {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return [...hash.digest().subarray(0, 8)];
}

export function createTestLocalizer(options: TestLocalizerOptions = {}): Localizer {
  const optionsHash = options.optionsHash ?? "test-options-1";
  let disposed = false;
  return {
    info: {
      family: "test",
      model: "deterministic",
      optionsHash,
      paramsInMillions: 1.4,
      provider: "cpu",
      isSmoke: true,
    },
    prepareSpec: { width: 8, height: 8 },
    async localize(image: PreparedImage, queries: readonly string[]): Promise<Localization[]> {
      if (disposed) throw new Error("localizer used after dispose");
      options.calls?.push({ imageBytes: image.resized.data.length, queries: [...queries] });
      await new Promise((resolve) =>
        options.delayMs ? setTimeout(resolve, options.delayMs) : setImmediate(resolve),
      );
      return queries.map((query) => {
        if (options.failQueries?.has(query)) throw new Error(`model failed on "${query}"`);
        const [a, b, c, d, e] = hashInts(image.resized.data, query);
        const { width, height } = image.sourceSize;
        const x1 = (a / 255) * (width / 2);
        const y1 = (b / 255) * (height / 2);
        const box = [x1, y1, x1 + (c / 255) * (width / 2), y1 + (d / 255) * (height / 2)] as const;
        return { boxes: [box], scores: [e / 255], confidence: e / 255 };
      });
    },
    async dispose() {
      disposed = true;
    },
  };
}

/** Reads the file and derives an 8×8 "resized" image from its bytes; a missing file is E_IMAGE_DECODE. */
export async function testPrepare(path: string, spec: PrepareSpec): Promise<PreparedImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new GritlocError("E_IMAGE_DECODE", `Cannot read image ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // A spec without a size keeps the source size; the 640×480 source here is represented by 8×8 bytes.
  const width = spec.width ?? 8;
  const height = spec.height ?? 8;
  const data = new Uint8Array(width * height * 3);
  const digest = createHash("sha256").update(bytes).digest();
  for (let i = 0; i < data.length; i++) data[i] = digest[i % digest.length];
  return {
    sourceSize: { width: 640, height: 480 },
    resized: { width, height, data },
    labelMaps: [],
  };
}
