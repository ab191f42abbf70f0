/**
 * `gritloc proxy build`: flags → `buildProxy`, with setup's progress bars and a summary of what was written
 * (counts per source and partition, shortfalls, missing images). Exits 1 when samples were left out.
 */
import { buildProxy } from "../proxy/build-proxy.js";
import type { ProxyReport } from "../proxy/proxy-report.js";
import {
  parseAction,
  parseChoiceFlag,
  parseCommandArgs,
  parseIntegerFlag,
  parseNumberFlag,
  requireFlag,
} from "./args.js";
import type { CliCommand } from "./command.js";
import { parseRuleFlags } from "./gt.js";
import { ProgressView } from "./setup.js";

const spec = {
  root: { type: "string" },
  size: { type: "string" },
  seed: { type: "string" },
  manifest: { type: "string" },
  cache: { type: "string" },
  "negative-fraction": { type: "string" },
  "distorted-fraction": { type: "string" },
  concurrency: { type: "string" },
  rule: { type: "string", multiple: true },
} as const;

function summary(report: ProxyReport): string {
  const { counts } = report;
  const lines = [
    `GRIT-proxy (${report.size}, seed ${report.seed}): ${counts.total} samples under ${report.root}`,
    `  ${"source".padEnd(12)}${"samples".padStart(9)}${"positive".padStart(10)}${"negative".padStart(10)}${"distorted".padStart(11)}`,
  ];
  for (const [source, c] of Object.entries(counts.bySource)) {
    lines.push(
      `  ${source.padEnd(12)}${String(c.samples).padStart(9)}${String(c.positives).padStart(10)}` +
        `${String(c.negatives).padStart(10)}${String(c.distorted).padStart(11)}`,
    );
  }
  lines.push(
    `  partitions: ${Object.entries(counts.byPartition)
      .map(([p, n]) => `${p} ${n}`)
      .join(", ")}`,
  );
  for (const s of report.shortfalls) lines.push(`  short: ${s}`);
  lines.push(`Samples:      ${report.samplesFile}`);
  lines.push(`Ground truth: ${report.groundTruthFile}`);
  lines.push(`Report:       ${report.root}/proxy-report.json`);
  lines.push(
    report.complete
      ? "Complete. A proxy: not comparable in absolute terms to GRIT leaderboard numbers."
      : `Incomplete: ${report.leftOut.length} samples left out (${report.missing.length} images missing). Rerun the same command to fetch what is missing.`,
  );
  return `${lines.join("\n")}\n`;
}

export const proxyCommand: CliCommand = {
  summary: "Build GRIT-proxy: a local localization set with public ground truth for every partition",
  usage: `Usage: gritloc proxy build --root DIR [--size small|full] [--seed N] [--manifest FILE] [--cache DIR]
                          [--negative-fraction F] [--distorted-fraction F] [--rule NAME=VALUE ...]
                          [--concurrency N]

  build    draws a GRIT-format localization set from public annotations, deterministically from them and the
           seed: COCO val2017 (sameSrc, ~10 % with distorted twins made by gritloc's own corruptions), Open
           Images v6 validation and NYUv2 train (newSrc), negatives only from verified-absent categories.
           Fetches the annotation files and only the images the samples need, then writes
           DIR/samples/proxy/localization.json (for infer), DIR/ground-truth/proxy/localization.json (for
           score), the images and DIR/proxy-report.json. Interrupted runs resume. A proxy: its numbers are
           not comparable in absolute terms to GRIT leaderboard numbers (docs/proxy.md).

  --size NAME              small (about 1,000 samples, default) or full (about 21,000, like GRIT ablation)
  --seed N                 seed of every random choice (default 0)
  --manifest FILE          a proxy manifest pointing at mirrors (default: data-manifests/grit-proxy.json)
  --cache DIR              keep annotation files and the NYUv2 .mat here (default DIR/downloads)
  --negative-fraction F    share of negatives per source, 0.15 to 0.45 (default 0.25)
  --distorted-fraction F   share of COCO samples with a distorted twin (default 0.1)
  --rule NAME=VALUE        a ground-truth rule of 'gritloc gt build' (repeatable), e.g. openImagesGroupOf=drop
                           (negatives are always verified absent: openImagesNegatives=no-box is refused)
  --concurrency N          parallel downloads (default 8)`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    parseAction(positionals, "proxy", ["build"]);
    const size = parseChoiceFlag(flags.size ?? "small", "size", ["small", "full"]);
    const number = (name: "negative-fraction" | "distorted-fraction") => {
      const value = flags[name];
      return value === undefined ? undefined : parseNumberFlag(value, name);
    };
    const negativeFraction = number("negative-fraction");
    const distortedFraction = number("distorted-fraction");
    const rules = parseRuleFlags(flags.rule);
    const view = new ProgressView(io);
    let report: ProxyReport;
    try {
      report = await buildProxy({
        root: requireFlag(flags.root, "root"),
        size,
        ...(flags.seed === undefined ? {} : { seed: parseIntegerFlag(flags.seed, "seed", { min: 0 }) }),
        ...(flags.manifest === undefined ? {} : { manifest: flags.manifest }),
        ...(flags.cache === undefined ? {} : { cacheDir: flags.cache }),
        ...(negativeFraction === undefined ? {} : { negativeFraction }),
        ...(distortedFraction === undefined ? {} : { distortedFraction }),
        rules,
        ...(flags.concurrency === undefined
          ? {}
          : { concurrency: parseIntegerFlag(flags.concurrency, "concurrency", { min: 1 }) }),
        onEvent: (e) => view.handle(e),
      });
    } finally {
      view.stop();
    }
    io.stdout(summary(report));
    return report.complete ? 0 : 1;
  },
};
