/**
 * GRIT samples: ensures `<root>/samples/{ablation,test}/<task>.json` exist, extracting them from
 * grit_data.zip (wherever its top folder is) when missing. No request when they are there.
 */
import { join } from "node:path";
import { GritlocError } from "../errors.js";
import { extractArchive } from "./extract-archive.js";
import { fetchArchive } from "./fetch-archive.js";
import { PhaseProgress } from "./phase-progress.js";
import { isPresent, type SetupContext } from "./setup-context.js";

/** The samples file of a subset and task under a GRIT root. */
export function samplesPath(root: string, subset: string, task: string): string {
  return join(root, "samples", subset, `${task}.json`);
}

/** Returns the samples file of `subset`, fetching grit_data.zip first when it is missing. */
export async function ensureSamples(ctx: SetupContext, subset: string, task: string): Promise<string> {
  const path = samplesPath(ctx.root, subset, task);
  const total = (await isPresent(path)) ? 0 : 1;
  const progress = new PhaseProgress("samples", total, ctx.emit);
  progress.start(
    total === 0 ? `samples present: ${path}` : `extracting samples/*/${task}.json from grit_data.zip`,
  );
  if (total === 1) {
    const zip = await fetchArchive(ctx, "samples", ctx.manifest.sources.samples);
    const member = new RegExp(`(^|/)samples/(ablation|test)/${task}\\.json$`);
    await extractArchive(zip, "zip", {
      zipExtractor: ctx.zipExtractor,
      select: (name) => {
        const m = member.exec(name);
        return m === null ? null : samplesPath(ctx.root, m[2] as string, task);
      },
    });
    if (!(await isPresent(path))) {
      throw new GritlocError(
        "E_NOT_FOUND",
        `${zip} has no samples/${subset}/${task}.json. Check the samples URL in the manifest (--manifest).`,
      );
    }
    progress.item(true);
  }
  progress.end();
  return path;
}
