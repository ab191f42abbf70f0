/**
 * The RegionCLIP reference runs (`test/fixtures/regionclip/cases.json` `runs[]`) and their stored tensors
 * (`<run>.safetensors`), typed for the tests.
 */
import { SafetensorsFile } from "../../../../src/models/weights/safetensors-reader.js";
import { fixturePath, readFixtureJson } from "../../../support/fixtures.js";

export interface TensorStats {
  readonly shape: readonly number[];
  readonly sha256_f32_le: string;
  readonly sum_f64: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

export interface RegionClipRun {
  readonly id: string;
  readonly kind: "base" | "rpn_bias_variant";
  readonly image: string;
  readonly tensors: string;
  readonly base_run?: string;
  readonly override?: Readonly<Record<string, readonly number[]>>;
  readonly orig_hw: readonly [number, number];
  readonly resized_hw: readonly [number, number];
  readonly resized_sha256_u8_hwc: string;
  readonly resized_png: string;
  readonly rpn_input: TensorStats;
  readonly clip_input: TensorStats;
  readonly fpn: Readonly<Record<"p2" | "p3" | "p4" | "p5" | "p6", TensorStats>>;
  readonly rpn_levels: readonly {
    readonly name: string;
    readonly hw: readonly [number, number];
    readonly stride: number;
    readonly anchor_size: number;
    readonly num_anchors: number;
    readonly objectness: TensorStats;
    readonly deltas: TensorStats;
  }[];
  readonly rpn_select: { readonly dropped_nonfinite: number; readonly dropped_empty: number };
  readonly num_proposals: number;
  readonly negative_logits: number;
}

/** Every run of `cases.json` (the base runs inherit image and sizes from their base run). */
export function regionClipRuns(): RegionClipRun[] {
  const runs = readFixtureJson<{ runs: RegionClipRun[] }>("regionclip", "cases.json").runs;
  return runs.map((r) => {
    const base = r.base_run === undefined ? undefined : runs.find((b) => b.id === r.base_run);
    return base === undefined ? r : { ...base, ...r };
  });
}

/** A run's stored tensors: F32 as Float32Array, I32 as Int32Array, with their shapes. */
export class RunTensors {
  readonly #file: SafetensorsFile;

  constructor(run: RegionClipRun) {
    this.#file = SafetensorsFile.open(fixturePath("regionclip", run.tensors));
  }

  has(name: string): boolean {
    return this.#file.entries.has(name);
  }

  shape(name: string): readonly number[] {
    return this.#file.entry(name).shape;
  }

  f32(name: string): Float32Array {
    return this.#file.readFloat32(name);
  }

  i32(name: string): Int32Array {
    const bytes = this.#file.readBytes(name);
    return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }

  close(): void {
    this.#file.close();
  }
}
