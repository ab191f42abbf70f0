/**
 * Archive extraction: a downloaded zip or tar.gz (possibly in a cache folder on Drive) → the selected
 * members written under local paths. Zips use Info-ZIP `unzip` when it is installed (fast C, ZIP64) and the
 * built-in reader otherwise; tar.gz always uses the built-in single-pass reader, which writes only the
 * wanted members and stops early (GNU and BSD tar disagree on member-pattern flags, and extracting
 * everything would waste disk).
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { GritlocError } from "../errors.js";
import { makeFolder } from "../make-folder.js";
import { extractTarGz } from "./tar-reader.js";
import { extractZipMember, listZip } from "./zip-reader.js";

/** How zips are extracted: `auto` = `unzip` when installed, else the built-in reader. */
export type ZipExtractor = "auto" | "unzip" | "js";

export interface ExtractOptions {
  /** Output path for a member name, or null to skip it. */
  readonly select: (member: string) => string | null;
  /** @default "auto" */
  readonly zipExtractor?: ZipExtractor;
  /** tar.gz: stop reading after this many members were written. */
  readonly limit?: number;
}

let unzipAvailable: Promise<boolean> | null = null;

/** True when Info-ZIP `unzip` can be run (checked once per process). */
export function hasUnzip(): Promise<boolean> {
  unzipAvailable ??= execa("unzip", ["-v"], { reject: false }).then(
    (r) => r.exitCode === 0,
    () => false,
  );
  return unzipAvailable;
}

// unzip treats * ? [ in member arguments as wildcards; a one-character class matches the character itself.
function unzipLiteral(name: string): string {
  return name.replace(/[*?[\]\\]/g, (c) => `[${c}]`);
}

async function extractWithUnzip(archive: string, wanted: [string, string][]): Promise<string[]> {
  const first = wanted[0];
  if (first === undefined) return [];
  const staging = join(dirname(first[1]), `.unzip-${process.pid}-${randomBytes(4).toString("hex")}`);
  await makeFolder(staging);
  try {
    for (let i = 0; i < wanted.length; i += 500) {
      const batch = wanted.slice(i, i + 500);
      const r = await execa(
        "unzip",
        ["-o", "-qq", archive, ...batch.map(([name]) => unzipLiteral(name)), "-d", staging],
        {
          reject: false,
        },
      );
      // 0 = fine, 1 = warnings only; anything else (damaged archive, CRC error, missing member) fails.
      if (r.exitCode !== 0 && r.exitCode !== 1) {
        throw new GritlocError(
          "E_CHECKSUM",
          `unzip could not extract from ${archive} (exit ${r.exitCode}): ${String(r.stderr).trim().slice(0, 300)}. ` +
            "The archive may be damaged: delete it and rerun setup.",
        );
      }
    }
    const written: string[] = [];
    for (const [name, out] of wanted) {
      await makeFolder(dirname(out), out);
      await rename(join(staging, name), out);
      written.push(out);
    }
    return written;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Extracts the members of `archive` that `select` maps to a path; returns the paths written.
 * Every member is written to a temp name and renamed, so an interrupted extraction leaves no half files.
 * @throws GritlocError E_CHECKSUM for a damaged archive, E_TOOL_MISSING when `zipExtractor: "unzip"` is asked
 *   for and unzip is not installed.
 * @example
 * await extractArchive("cache/grit_data.zip", "zip", {
 *   select: (m) => (m.endsWith("samples/ablation/localization.json") ? "grit/samples/ablation/localization.json" : null),
 * });
 */
export async function extractArchive(
  archive: string,
  format: "zip" | "tar.gz",
  options: ExtractOptions,
): Promise<string[]> {
  if (format === "tar.gz") {
    return await extractTarGz(archive, {
      select: options.select,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
  }
  const choice = options.zipExtractor ?? "auto";
  const useUnzip = choice === "unzip" || (choice === "auto" && (await hasUnzip()));
  if (useUnzip && !(await hasUnzip())) {
    throw new GritlocError(
      "E_TOOL_MISSING",
      "unzip is not installed. Install it (apt-get install unzip) or use the built-in reader.",
    );
  }
  if (useUnzip) {
    const listing = await execa("unzip", ["-Z1", archive], { reject: false });
    if (listing.exitCode !== 0) {
      throw new GritlocError(
        "E_CHECKSUM",
        `unzip cannot read ${archive}: ${String(listing.stderr).trim().slice(0, 300)}. Delete it and rerun setup.`,
      );
    }
    const wanted: [string, string][] = [];
    for (const name of String(listing.stdout).split("\n")) {
      const out = name === "" || name.endsWith("/") ? null : options.select(name);
      if (out !== null) wanted.push([name, out]);
    }
    return await extractWithUnzip(archive, wanted);
  }
  const written: string[] = [];
  for (const entry of await listZip(archive)) {
    const out = entry.name.endsWith("/") ? null : options.select(entry.name);
    if (out === null) continue;
    await extractZipMember(archive, entry, out);
    written.push(out);
  }
  return written;
}
