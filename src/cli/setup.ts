/**
 * `gritloc setup grit|verify`: flags → `setupGrit` / `verifyGritImages`, with their events drawn as
 * cli-progress bars (redrawn in place on a terminal; printed as periodic lines in notebooks and CI) and a
 * per-source summary on stdout. Exits 1 when images are still missing or corrupt.
 */
import cliProgress from "cli-progress";
import { IMAGE_SOURCES } from "../data/plan-images.js";
import type { SetupEvent, SetupPhase } from "../data/setup-events.js";
import { setupGrit } from "../data/setup-grit.js";
import { type SetupReport, setupReportPath } from "../data/setup-report.js";
import { verifyGritImages } from "../data/verify-grit-images.js";
import type { SourceCheck } from "../data/verify-images.js";
import {
  parseAction,
  parseChoiceFlag,
  parseChoiceListFlag,
  parseCommandArgs,
  parseIntegerFlag,
  requireFlag,
} from "./args.js";
import type { CliCommand, CliIo } from "./command.js";

const spec = {
  root: { type: "string" },
  subset: { type: "string" },
  task: { type: "string" },
  cache: { type: "string" },
  sources: { type: "string" },
  manifest: { type: "string" },
  concurrency: { type: "string" },
  samples: { type: "string" },
} as const;

const FAILURES_SHOWN = 10;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Draws setup events with cli-progress on `io.stderr`: on a terminal one MultiBar redrawn in place; elsewhere
 * (notebooks, CI) one bar per phase or download, printed as a line when it starts, every 10 s and when it ends.
 */
export class ProgressView {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly options: cliProgress.Options;
  private readonly active = new Map<string, cliProgress.SingleBar>();
  private readonly failures = new Map<SetupPhase, number>();

  constructor(private readonly io: CliIo) {
    let last = "";
    // A stream-like adapter: cli-progress only writes to it (cursor moves are escape codes it writes).
    const stream = {
      isTTY: io.isTty,
      columns: process.stderr.columns ?? 100,
      write: (text: string) => {
        // Without a terminal, cli-progress ends bars with an empty line; keep the log compact.
        if (!io.isTty && text === "\n" && last === "\n") return true;
        last = text.at(-1) ?? last;
        io.stderr(text);
        return true;
      },
    };
    this.options = {
      stream: stream as unknown as NodeJS.WritableStream,
      format: " {label} |{bar}| {percentage}% | {progress} | {speed} | ETA {eta_text}",
      barsize: 24,
      hideCursor: io.isTty,
      noTTYOutput: !io.isTty,
      notTTYSchedule: 10_000,
      gracefulExit: true,
    };
    this.multi = io.isTty ? new cliProgress.MultiBar(this.options) : null;
  }

  private say(line: string): void {
    if (this.multi !== null && this.active.size > 0) this.multi.log(`${line}\n`);
    else this.io.stderr(`${line}\n`);
  }

  private open(key: string, total: number, label: string, start = 0): cliProgress.SingleBar {
    this.close(key);
    const payload = { label, progress: "", speed: "", eta_text: "?" };
    let bar: cliProgress.SingleBar;
    if (this.multi !== null) bar = this.multi.create(Math.max(total, 1), start, payload);
    else {
      bar = new cliProgress.SingleBar(this.options);
      bar.start(Math.max(total, 1), start, payload);
    }
    this.active.set(key, bar);
    return bar;
  }

  private close(key: string): void {
    const bar = this.active.get(key);
    if (bar === undefined) return;
    if (this.multi !== null) this.multi.remove(bar);
    else bar.stop();
    this.active.delete(key);
  }

  handle(e: SetupEvent): void {
    switch (e.type) {
      case "phase-start":
        this.say(`${e.phase}: ${e.detail}`);
        if (e.total > 0) this.open(e.phase, e.total, e.phase.padEnd(11));
        break;
      case "item": {
        this.active.get(e.phase)?.update(e.done + e.failed, {
          progress: `${e.done + e.failed}/${e.total}${e.failed > 0 ? ` (${e.failed} failed)` : ""}`,
          speed: e.bytes > 0 ? `${formatBytes(e.bytesPerSecond)}/s` : "",
          eta_text: formatEta(e.etaSeconds),
        });
        break;
      }
      case "item-failed": {
        const count = (this.failures.get(e.phase) ?? 0) + 1;
        this.failures.set(e.phase, count);
        if (count <= FAILURES_SHOWN) this.say(`  ${e.phase}: ${e.imageId}: [${e.code}] ${e.message}`);
        else if (count === FAILURES_SHOWN + 1) this.say(`  ${e.phase}: more failures; see setup-report.json`);
        break;
      }
      case "download": {
        const d = e.event;
        const key = `download:${e.file}`;
        if (d.type === "download-start") {
          this.say(
            `${e.phase}: downloading ${d.url}${d.resumeFrom > 0 ? ` (resuming at ${formatBytes(d.resumeFrom)})` : ""}`,
          );
          this.open(key, d.total ?? 0, e.file, d.resumeFrom);
        } else if (d.type === "download-progress") {
          this.active.get(key)?.update(d.bytes, {
            progress: `${formatBytes(d.bytes)}${d.total === null ? "" : ` of ${formatBytes(d.total)}`}`,
            speed: `${formatBytes(d.bytesPerSecond)}/s`,
            eta_text: formatEta(d.etaSeconds),
          });
        } else if (d.type === "download-retry") {
          this.close(key);
          this.say(
            `${e.phase}: ${e.file}: attempt ${d.attempt} failed (${d.reason}); retrying in ${formatEta(d.delayMs / 1000)}`,
          );
        } else {
          this.close(key);
          this.say(
            `${e.phase}: ${e.file} ${d.reused ? "already in the cache" : "downloaded"} (${formatBytes(d.size)})`,
          );
        }
        break;
      }
      case "note":
        this.say(`${e.phase}: ${e.message}`);
        break;
      case "phase-end":
        this.close(e.phase);
        if (e.done + e.failed > 0)
          this.say(`${e.phase}: ${e.done} done${e.failed > 0 ? `, ${e.failed} failed` : ""}`);
        break;
    }
  }

  stop(): void {
    for (const key of [...this.active.keys()]) this.close(key);
    this.multi?.stop();
  }
}

/** The closing line: what was found, and advice that fits it (verify fetches nothing; setup cannot fetch `other`). */
function verdict(report: SetupReport, action: "grit" | "verify"): string {
  if (report.complete) return "Complete: every image is present and decodes.";
  const unknown = new Set(report.unknown);
  const fetchable =
    report.missing.filter((id) => !unknown.has(id)).length +
    report.corrupt.filter((c) => !unknown.has(c.imageId)).length;
  const other = report.other.missing + report.other.corrupt;
  const advice: string[] = [];
  if (fetchable > 0) {
    advice.push(
      action === "grit"
        ? "Rerun the same command: it deletes nothing that is fine and fetches what is missing or corrupt."
        : `Run \`gritloc setup grit --root ${report.root} --subset ablation|test\` to fetch the missing and ` +
            "corrupt images of the known sources (verify fetches nothing).",
    );
  }
  if (other > 0) {
    advice.push(
      `${other} of them belong to no known source, so setup cannot fetch them: put them under ${report.root}/images yourself.`,
    );
  }
  advice.push(`The list is in ${setupReportPath(report.root)}.`);
  return `Incomplete: ${report.missing.length} missing, ${report.corrupt.length} corrupt. ${advice.join(" ")}`;
}

function summaryRow(name: string, s: SourceCheck): string {
  return (
    `  ${name.padEnd(12)}${String(s.referenced).padStart(11)}${String(s.present).padStart(9)}${String(s.missing).padStart(9)}` +
    `${String(s.corrupt).padStart(9)}${String(s.largestSide ?? "-").padStart(14)}`
  );
}

function summary(report: SetupReport, action: "grit" | "verify"): string {
  const lines = [
    `${report.samples} samples, ${report.images} distinct images under ${report.root}/images`,
    `  ${"source".padEnd(12)}${"referenced".padStart(11)}${"present".padStart(9)}${"missing".padStart(9)}${"corrupt".padStart(9)}${"largest side".padStart(14)}`,
  ];
  for (const source of IMAGE_SOURCES) {
    const s = report.sources[source];
    if (!s.selected) {
      lines.push(
        `  ${source.padEnd(12)}${String(s.referenced).padStart(11)}   (not selected with --sources)`,
      );
      continue;
    }
    lines.push(summaryRow(source, s));
  }
  if (report.other.referenced > 0) {
    lines.push(summaryRow("other", report.other));
    lines.push(`  (other: ${report.unknown.length} images of no known source, e.g. ${report.unknown[0]})`);
  }
  const unrecorded = report.downloads.filter((d) => !d.recorded && d.sha256 !== null);
  if (unrecorded.length > 0) {
    lines.push("Measured archives (record size and sha256 in the manifest):");
    for (const d of unrecorded) lines.push(`  ${d.file}: size ${d.size}, sha256 ${d.sha256}`);
  }
  lines.push(`Report: ${setupReportPath(report.root)}`);
  lines.push(verdict(report, action));
  return `${lines.join("\n")}\n`;
}

export const setupCommand: CliCommand = {
  summary: "Download GRIT samples and exactly the images they need; verify them",
  usage: `Usage: gritloc setup grit --root DIR --subset ablation|test [--task localization] [--cache DIR]
                          [--sources coco,nyuv2,open_images,distorted] [--manifest FILE] [--concurrency N]
       gritloc setup verify --root DIR --samples S [--manifest FILE] [--concurrency N]

  grit     fetches samples/{ablation,test}/localization.json and only the images the subset needs:
           COCO test2015 single images (the 12 GB zip only for images not served singly), NYUv2 images from
           the labeled .mat, Open Images by id, and the distorted images made from GRIT's deltas; then
           decodes every image and writes DIR/setup-report.json. Interrupted runs resume; a complete setup
           reruns without any network request.
  verify   decodes every image the samples S reference (a file, or "ablation"/"test" for
           DIR/samples/S/localization.json) and writes DIR/setup-report.json; fetches nothing.

  --root DIR        the GRIT folder (local disk is fastest: Drive is slow with many small files)
  --cache DIR       keep downloaded archives here, e.g. on Drive, so a new session skips them
                    (default DIR/downloads); extraction always goes to --root
  --sources LIST    only these sources (default: all four)
  --manifest FILE   a data manifest pointing at mirrors (default: the bundled data-manifests/grit.json)
  --concurrency N   parallel downloads (default 8)`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    const action = parseAction(positionals, "setup", ["grit", "verify"]);
    const concurrency =
      flags.concurrency === undefined
        ? undefined
        : parseIntegerFlag(flags.concurrency, "concurrency", { min: 1 });
    const root = requireFlag(flags.root, "root");
    const view = new ProgressView(io);
    let report: SetupReport;
    try {
      if (action === "grit") {
        const subset = parseChoiceFlag(requireFlag(flags.subset, "subset"), "subset", ["ablation", "test"]);
        const task = parseChoiceFlag(flags.task ?? "localization", "task", ["localization"]);
        const sources =
          flags.sources === undefined
            ? undefined
            : parseChoiceListFlag(flags.sources, "sources", IMAGE_SOURCES);
        report = await setupGrit({
          root,
          subset,
          task,
          ...(flags.cache === undefined ? {} : { cacheDir: flags.cache }),
          ...(sources === undefined ? {} : { sources }),
          ...(flags.manifest === undefined ? {} : { manifest: flags.manifest }),
          ...(concurrency === undefined ? {} : { concurrency }),
          onEvent: (e) => view.handle(e),
        });
      } else {
        report = await verifyGritImages({
          root,
          samples: requireFlag(flags.samples, "samples"),
          ...(flags.manifest === undefined ? {} : { manifest: flags.manifest }),
          ...(concurrency === undefined ? {} : { concurrency }),
          onEvent: (e) => view.handle(e),
        });
      }
    } finally {
      view.stop();
    }
    io.stdout(summary(report, action === "grit" ? "grit" : "verify"));
    return report.complete ? 0 : 1;
  },
};
