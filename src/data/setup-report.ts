/**
 * setup-report.json: the outcome of a setup or verify run (counts per source, missing/corrupt images, why
 * images could not be fetched, archives downloaded with their measured size and sha256) → written under the
 * GRIT root so a later session (or a person) can see what is there without decoding everything again.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { IMAGE_SOURCES, type ImagePlan, type ImageSource } from "./plan-images.js";
import type { ImageCheck, SourceCheck } from "./verify-images.js";

/** An archive used by this run, with the values to record in the manifest when `recorded` is false. */
export interface ReportDownload {
  readonly file: string;
  readonly url: string;
  readonly size: number;
  /** Measured sha256, or null when an existing file was reused unhashed. */
  readonly sha256: string | null;
  /** Measured md5, for files the manifest gives an md5 for. */
  readonly md5?: string | null;
  /** True when the manifest already had size and sha256 and they matched. */
  readonly recorded: boolean;
  readonly reused: boolean;
}

export interface SetupReport {
  readonly schemaVersion: 1;
  readonly createdAt: string;
  readonly root: string;
  readonly samplesFile: string;
  readonly samples: number;
  /** Distinct images referenced by the samples (all sources). */
  readonly images: number;
  /** Per source; `selected` false = not requested with --sources (its images were neither fetched nor checked). */
  readonly sources: Readonly<Record<ImageSource, SourceCheck & { readonly selected: boolean }>>;
  /** The images of no known source (`unknown`), checked where they are but never fetched. */
  readonly other: SourceCheck;
  readonly missing: readonly string[];
  readonly corrupt: readonly { readonly imageId: string; readonly message: string }[];
  /** Referenced image ids of no known source (setup cannot fetch them; they count when present and readable). */
  readonly unknown: readonly string[];
  /** Why images could not be fetched or made in this run (they also appear in `missing`). */
  readonly errors: readonly { readonly imageId: string; readonly code: string; readonly message: string }[];
  readonly downloads: readonly ReportDownload[];
  /** True when every image of the selected sources, and every image of no known source, is present and decodes. */
  readonly complete: boolean;
}

/** What a setup or verify run found, for `buildSetupReport`. */
export interface SetupOutcome {
  readonly root: string;
  readonly samplesFile: string;
  readonly samples: number;
  readonly plan: ImagePlan;
  /** The verification of the selected sources' images. */
  readonly check: ImageCheck;
  readonly selected: ReadonlySet<ImageSource>;
  readonly errors: SetupReport["errors"];
  readonly downloads: SetupReport["downloads"];
}

/**
 * The report of a run: counts per source (referenced counts from the plan, so unselected sources show what
 * they would hold), and `complete` when no checked image is missing or corrupt.
 */
export function buildSetupReport(outcome: SetupOutcome): SetupReport {
  const { plan, check, selected } = outcome;
  const sources = Object.fromEntries(
    IMAGE_SOURCES.map((s) => [
      s,
      { ...check.sources[s], referenced: plan.referenced[s].length, selected: selected.has(s) },
    ]),
  ) as SetupReport["sources"];
  return {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    root: outcome.root,
    samplesFile: outcome.samplesFile,
    samples: outcome.samples,
    images: IMAGE_SOURCES.reduce((n, s) => n + plan.referenced[s].length, plan.unknown.length),
    sources,
    other: check.sources.other,
    missing: check.missing,
    corrupt: check.corrupt,
    unknown: plan.unknown,
    errors: outcome.errors,
    downloads: outcome.downloads,
    complete: check.missing.length === 0 && check.corrupt.length === 0,
  };
}

/** The report's path under a GRIT root. */
export function setupReportPath(root: string): string {
  return join(root, "setup-report.json");
}

export async function writeSetupReport(report: SetupReport): Promise<string> {
  const path = setupReportPath(report.root);
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
