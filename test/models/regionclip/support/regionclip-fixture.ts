/**
 * Reading the `regionclip*` reference fixture folders: their weights, per-run tensors and cases.json.
 */
import { readdirSync } from "node:fs";
import { safetensorsWeightReader } from "../../../../src/models/clip/checkpoint.js";
import { SafetensorsFile } from "../../../../src/models/weights/safetensors-reader.js";
import type { WeightReader } from "../../../../src/onnx/nn/context.js";
import { fixturePath, readFixtureJson } from "../../../support/fixtures.js";

/** Every fixture folder whose name starts with "regionclip" (a held-out set is checked the same way). */
export function regionClipFixtureFolders(): string[] {
  return readdirSync(fixturePath())
    .filter((name) => name.startsWith("regionclip"))
    .sort();
}

export interface RegionClipRun {
  readonly id: string;
  readonly kind: string;
  readonly base_run?: string;
  readonly image: string;
  readonly tensors: string;
  readonly resized_png?: string;
  readonly orig_hw: readonly [number, number];
  readonly resized_hw: readonly [number, number];
  readonly clip_input?: { readonly sha256_f32_le: string };
  readonly res4?: { readonly shape: readonly number[]; readonly sha256_f32_le: string };
  readonly head: { readonly nms_path: string; readonly rows_dropped_nonfinite: number };
  readonly detections: { readonly count: number };
}

export interface GritResult {
  readonly image: string;
  readonly class_index: number;
  readonly num_classes: number;
  readonly total_detections_all_classes: number;
  readonly boxes: readonly (readonly number[])[];
  readonly scores: readonly number[];
  readonly probs: readonly number[];
  readonly objectness_logits: readonly number[];
  readonly proposal_index: readonly number[];
  readonly confidence: number;
  readonly grit_prediction: { readonly confidence: number; readonly bboxes: readonly (readonly number[])[] };
}

export interface GritCase {
  readonly query: string;
  readonly prepared: string;
  readonly kind: string;
  readonly in_vocabulary: boolean;
  readonly class_index: number;
  readonly results: readonly GritResult[];
}

export interface RegionClipCases {
  readonly runs: readonly RegionClipRun[];
  readonly vocabulary: readonly {
    readonly index: number;
    readonly lvis_name: string;
    readonly prepared: string;
  }[];
  readonly templates: readonly string[];
  readonly grit_single_query: readonly GritCase[];
}

export function regionClipCases(folder: string): RegionClipCases {
  return readFixtureJson<RegionClipCases>(folder, "cases.json");
}

/** The runs of a folder; a variant run (e.g. the RPN-bias run) inherits image and sizes from its base run. */
export function regionClipRuns(folder: string): RegionClipRun[] {
  const runs = regionClipCases(folder).runs;
  return runs.map((r) => {
    const base = r.base_run === undefined ? undefined : runs.find((b) => b.id === r.base_run);
    return base === undefined ? r : { ...base, ...r };
  });
}

/** The tensor file holding `name` for a run: its own, else its base run's (a variant stores only what differs). */
export function runTensorFile(folder: string, run: RegionClipRun, name: string): string {
  const own = openFixtureTensors(folder, run.tensors);
  try {
    if (own.entries.has(name) || run.base_run === undefined) return run.tensors;
  } finally {
    own.close();
  }
  return regionClipRuns(folder).find((r) => r.id === run.base_run)!.tensors;
}

/** A float32 tensor of a run (from its base run when the run does not store it). */
export function readRunF32(folder: string, run: RegionClipRun, name: string): Float32Array {
  const file = openFixtureTensors(folder, runTensorFile(folder, run, name));
  try {
    return file.readFloat32(name);
  } finally {
    file.close();
  }
}

/** An int32 tensor of a run (from its base run when the run does not store it). */
export function readRunI32(folder: string, run: RegionClipRun, name: string): Int32Array {
  const file = openFixtureTensors(folder, runTensorFile(folder, run, name));
  try {
    return readInt32(file, name).slice();
  } finally {
    file.close();
  }
}

/** A safetensors fixture file, closed by the caller. */
export function openFixtureTensors(folder: string, file: string): SafetensorsFile {
  return SafetensorsFile.open(fixturePath(folder, file));
}

/** An int32 tensor of a fixture safetensors file. */
export function readInt32(file: SafetensorsFile, name: string): Int32Array {
  const bytes = file.readBytes(name);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** `weights.safetensors` of a folder as a WeightReader (and the file, to close). */
export function fixtureWeights(folder: string): {
  readonly file: SafetensorsFile;
  readonly weights: WeightReader;
} {
  const file = openFixtureTensors(folder, "weights.safetensors");
  return { file, weights: safetensorsWeightReader(file) };
}
