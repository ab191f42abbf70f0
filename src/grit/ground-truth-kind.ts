/**
 * What a ground-truth samples file stands for: its path → the `kind` that the `gt-report.json` beside it
 * declares ("rebuilt" or "proxy", written by the ground-truth builders), or null when there is no report.
 * Scoring labels its numbers by this kind (see `scoreNotice`).
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GritlocError } from "../errors.js";
import { describeValue, isJsonObject, parseJsonText } from "./json-file.js";

/** Kinds of unofficial ground truth: rebuilt for GRIT's own samples, or a proxy set with public annotations. */
export const GROUND_TRUTH_KINDS = ["rebuilt", "proxy"] as const;
export type GroundTruthKind = (typeof GROUND_TRUTH_KINDS)[number];

/** The file a ground-truth builder writes beside the samples file it built. */
export const GT_REPORT_NAME = "gt-report.json";

export interface GroundTruthKindInfo {
  /** null: no gt-report.json beside the samples (a user's own ground truth, e.g. the mini set). */
  readonly kind: GroundTruthKind | null;
  /** The gt-report.json that was read, or null. */
  readonly reportPath: string | null;
}

/**
 * Reads `gt-report.json` in the folder of `samplesPath`: an object whose `kind` is "rebuilt" or "proxy" (any
 * other fields are the builder's and are not read here). No such file: kind null.
 *
 * @throws GritlocError E_SAMPLES_INVALID when the report exists but is not JSON or has another `kind`.
 * @example
 * const { kind } = await readGroundTruthKind("gt/ablation/localization.json"); // "rebuilt"
 */
export async function readGroundTruthKind(samplesPath: string): Promise<GroundTruthKindInfo> {
  const reportPath = join(dirname(samplesPath), GT_REPORT_NAME);
  let text: string;
  try {
    text = await readFile(reportPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: null, reportPath: null };
    throw error;
  }
  const report = parseJsonText(text, reportPath, "E_SAMPLES_INVALID");
  const kind = isJsonObject(report) ? report.kind : undefined;
  if (!(GROUND_TRUTH_KINDS as readonly unknown[]).includes(kind)) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${reportPath}: expected an object with "kind": "rebuilt" or "proxy" (it labels the ground truth beside ` +
        `it), got ${isJsonObject(report) ? `kind ${describeValue(kind)}` : describeValue(report)}. ` +
        "Rebuild the ground truth with `gritloc gt build`, or remove the file if it is not a ground-truth report.",
    );
  }
  return { kind: kind as GroundTruthKind, reportPath };
}
