/**
 * The smoke model: SLICViT on a tiny random CLIP drawn from a seed (deterministic across machines), for
 * exercising the whole pipeline without downloads. Loudly random: `info.isSmoke`, a warning log line.
 */
import { createLogger } from "../../logger.js";
import type { RuntimeOptions } from "../../onnx/session.js";
import { clipCheckpointFromTensors } from "../clip/checkpoint.js";
import { type LoadedTokenizer, loadClipTokenizer } from "../clip/text-tokenizer.js";
import { SlicVitLocalizer } from "../slicvit/localizer.js";
import type { SlicVitOptions } from "../slicvit/options.js";
import { ByteTokenizer } from "./byte-tokenizer.js";
import { checkSeed, randomClipTensors, SMOKE_CLIP_CONFIG } from "./random-clip.js";

const log = createLogger("models");

export interface SmokeLocalizerOptions {
  /** RNG seed of the random weights. @default 0 */
  readonly seed?: number;
  /** CLIP BPE vocabulary; without it a byte-level fallback tokenizer is used (see `byte-tokenizer.ts`). */
  readonly vocab?: string;
  readonly options?: SlicVitOptions;
}

/**
 * A SLICViT localizer on random weights.
 * @example const smoke = await createSmokeLocalizer({ seed: 0 }); smoke.info.isSmoke // true
 */
export async function createSmokeLocalizer(
  spec: SmokeLocalizerOptions = {},
  runtime: RuntimeOptions = {},
): Promise<SlicVitLocalizer> {
  const seed = checkSeed(spec.seed ?? 0, "spec.seed");
  const tokenizer: LoadedTokenizer =
    spec.vocab === undefined
      ? { tokenizer: new ByteTokenizer(), identity: ByteTokenizer.identity }
      : await loadClipTokenizer(spec.vocab);
  const model = `smoke (random, seed ${seed})`;
  log.warn(
    `${model}: RANDOM weights, its boxes and scores mean nothing (for testing the pipeline only)` +
      (spec.vocab === undefined ? "; byte-level fallback tokenizer (no CLIP vocabulary given)" : ""),
  );
  const checkpoint = clipCheckpointFromTensors(
    randomClipTensors(SMOKE_CLIP_CONFIG, seed),
    SMOKE_CLIP_CONFIG,
    model,
  );
  return SlicVitLocalizer.create({
    checkpoint,
    tokenizer,
    options: spec.options,
    runtime,
    model,
    isSmoke: true,
    family: "smoke",
  });
}
