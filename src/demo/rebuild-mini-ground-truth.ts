/**
 * The demo's `gt build` step: the mini set → its rebuild sources (Open Images-format CSVs, a labelled .mat)
 * → `buildGroundTruth`, the same call `gritloc gt build` makes, → the rebuilt ground truth checked against
 * the boxes the set drew. Its `groundTruthPath` is what `score --ap` scores the demo's predictions against.
 */
import { join } from "node:path";
import { buildGroundTruth, type GroundTruthBuild } from "../gt/build-ground-truth.js";
import type { GtRules } from "../gt/gt-rules.js";
import type { MiniGrit } from "./build-mini-grit.js";
import { type MiniGtSources, writeMiniGtSources } from "./write-mini-gt-sources.js";

/**
 * The mini set's boxes are pixel-edge coordinates (x2 = one past the last pixel), so its NYUv2-like boxes
 * are rebuilt with exclusive ends; every other rule keeps its default.
 */
export const MINI_GT_RULES: Partial<GtRules> = Object.freeze({ nyuv2BoxEnd: "exclusive" });

export interface MiniGroundTruth {
  readonly sources: MiniGtSources;
  readonly build: GroundTruthBuild;
  /** Rebuilt records whose boxes equal the drawn ground truth exactly. */
  readonly agreeing: number;
  /** Example ids whose rebuilt boxes differ from the drawn ones (empty when the rebuild is exact). */
  readonly disagreeing: readonly string[];
}

/**
 * Writes the rebuild sources under `dir` and rebuilds the ground truth from them (no network: the
 * annotation files are verified in the cache).
 * @throws GritlocError whatever `buildGroundTruth` raises.
 * @example
 * const gt = await rebuildMiniGroundTruth(mini, "gritloc-demo/mini-grit/gt-sources");
 * gt.build.groundTruthPath; // …/gt-sources/ground-truth/ablation/localization.json
 */
export async function rebuildMiniGroundTruth(mini: MiniGrit, dir: string): Promise<MiniGroundTruth> {
  const sources = await writeMiniGtSources(mini, dir);
  const build = await buildGroundTruth({
    root: sources.root,
    subset: sources.subset,
    manifest: sources.manifestPath,
    cacheDir: join(sources.root, "downloads"),
    rules: MINI_GT_RULES,
    retries: 0,
  });
  const disagreeing: string[] = [];
  for (const record of build.records) {
    const drawn = sources.covered.get(record.input.example_id)?.groundTruth?.bboxes;
    if (JSON.stringify(drawn) !== JSON.stringify(record.output.bboxes))
      disagreeing.push(record.input.example_id);
  }
  return { sources, build, agreeing: build.records.length - disagreeing.length, disagreeing };
}
