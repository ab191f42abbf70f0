/**
 * Scores per partition: official GRIT metrics objects (`acc.any.sameSrc.loc.mean`, `.lower`, `.upper`,
 * `.cnt`, as `evaluate.py` writes them) → a bar chart with the t-interval as error bars, one colour per run.
 */
import { invalidOption } from "../errors.js";
import { GRIT_PARTITIONS, type GritPartition } from "../grit/metric.js";
import { possibleScoreRange } from "../grit/score-range.js";
import { type PlotlyFigure, type PlotlyTrace, SERIES_COLORS } from "./figure.js";

/**
 * The headline partitions: every GRIT partition, agg first, then the families in `evaluate.py`'s order
 * (…Src, the zero-shot split …Cpt, the robustness split …dist).
 */
export const HEADLINE_PARTITIONS: readonly GritPartition[] = [
  "agg",
  ...GRIT_PARTITIONS.filter((p) => p !== "agg"),
];

/** Axis labels; newCpt is the zero-shot score and deldist the robustness score (design §4). */
const PARTITION_LABELS: Readonly<Record<string, string>> = {
  newCpt: "newCpt<br>(zero-shot)",
  deldist: "deldist<br>(robustness)",
};

const METRIC_TITLES: Readonly<Record<string, string>> = {
  acc: "accuracy (mean GRIT localization score ×100)",
  inf: "informativeness (×100)",
  misinf: "misinformation (×100)",
  conf: "confidence (×100)",
  sa: "self-awareness (×100)",
  rmse: "calibration RMSE (×100)",
};

/** The interval as drawn: clipped to the possible range, with whether clipping happened. */
function shownInterval(v: PartitionValue): { lower: number | null; upper: number | null; clipped: boolean } {
  const [lo, hi] = possibleScoreRange(v.partition);
  const lower = v.lower === null ? null : Math.max(lo, v.lower);
  const upper = v.upper === null ? null : Math.min(hi, v.upper);
  return { lower, upper, clipped: lower !== v.lower || upper !== v.upper };
}

function partitionFamily(partition: string): string {
  const match = /(Src|Cpt|dist)$/.exec(partition);
  return match === null ? partition : match[1];
}

/** One run's official metrics object (the flat JSON `evaluate.py` writes) and its name in the legend. */
export interface MetricsRun {
  readonly name: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface PartitionFigureOptions {
  /** Which metric. @default "acc" */
  readonly metric?: string;
  /** Concept group (`any` or one of the 24 GRIT groups). @default "any" */
  readonly cgroup?: string;
  /** Task key. @default "loc" */
  readonly task?: string;
  /** Partitions, in order. @default HEADLINE_PARTITIONS */
  readonly partitions?: readonly string[];
  readonly title?: string;
  /** @default 760 */
  readonly width?: number;
  /** @default 440 */
  readonly height?: number;
}

/** One bar: mean and interval, or null where the partition is not in the metrics (evaluate.py omits N ≤ 1). */
export interface PartitionValue {
  readonly partition: string;
  readonly mean: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly cnt: number | null;
}

/** Reads `metric.cgroup.partition.task.{mean,lower,upper,cnt}` for each partition. */
export function partitionValues(
  metrics: Readonly<Record<string, number>>,
  {
    metric = "acc",
    cgroup = "any",
    task = "loc",
    partitions = HEADLINE_PARTITIONS,
  }: PartitionFigureOptions = {},
): PartitionValue[] {
  const read = (partition: string, stat: string): number | null => {
    const v = metrics[`${metric}.${cgroup}.${partition}.${task}.${stat}`];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  return partitions.map((partition) => ({
    partition,
    mean: read(partition, "mean"),
    lower: read(partition, "lower"),
    upper: read(partition, "upper"),
    cnt: read(partition, "cnt"),
  }));
}

/**
 * Builds the bar chart. Error bars span [lower, upper] as stored, clipped to the range a score can take (0–100,
 * deldist −100–100) with a note under the chart when that happened; hovering a bar shows mean, the computed
 * interval and N. Missing partitions leave a gap.
 * @throws GritlocError E_INVALID_OPTION when no run has any of the requested keys (wrong metric/task?).
 * @example
 * const fig = partitionFigure([{ name: "SLICViT", metrics: JSON.parse(await readFile("metrics.json", "utf8")) }]);
 */
export function partitionFigure(
  runs: readonly MetricsRun[],
  options: PartitionFigureOptions = {},
): PlotlyFigure {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw invalidOption("runs", "a non-empty list of { name, metrics }", runs);
  }
  const { metric = "acc", cgroup = "any", task = "loc", width = 760, height = 440 } = options;
  const partitions = options.partitions ?? HEADLINE_PARTITIONS;
  const labels = partitions.map((p) => PARTITION_LABELS[p] ?? p);
  let found = 0;
  let clippedAny = false;
  const data: PlotlyTrace[] = runs.map((run, i) => {
    if (typeof run?.metrics !== "object" || run.metrics === null) {
      throw invalidOption(`runs[${i}].metrics`, "a metrics object", run?.metrics);
    }
    const values = partitionValues(run.metrics, { metric, cgroup, task, partitions });
    found += values.filter((v) => v.mean !== null).length;
    const shown = values.map(shownInterval);
    clippedAny ||= values.some((v, k) => v.mean !== null && shown[k].clipped);
    return {
      type: "bar",
      name: run.name,
      x: labels,
      y: values.map((v) => v.mean),
      marker: { color: SERIES_COLORS[i % SERIES_COLORS.length] },
      error_y: {
        type: "data",
        symmetric: false,
        array: values.map((v, k) => {
          const upper = shown[k].upper;
          return v.mean === null || upper === null ? null : Math.max(0, upper - v.mean);
        }),
        arrayminus: values.map((v, k) => {
          const lower = shown[k].lower;
          return v.mean === null || lower === null ? null : Math.max(0, v.mean - lower);
        }),
        color: "#333",
        thickness: 1.5,
        width: 5,
      },
      customdata: values.map((v, k) => [
        v.lower,
        v.upper,
        v.cnt ?? "–",
        shown[k].clipped ? "<br>(drawn clipped to the possible range)" : "",
      ]),
      hovertemplate: `${run.name}<br>%{x}: %{y:.2f}<br>95% CI [%{customdata[0]:.2f}, %{customdata[1]:.2f}]%{customdata[3]}<br>N = %{customdata[2]}<extra></extra>`,
    };
  });
  if (found === 0) {
    throw invalidOption(
      "metrics",
      `keys like "${metric}.${cgroup}.${partitions[0]}.${task}.mean" (is this an evaluate.py metrics file?)`,
      Object.keys(runs[0].metrics).slice(0, 3).join(", ") || "no keys",
    );
  }
  const unit = METRIC_TITLES[metric] ?? metric;
  const annotations = valueLabels(runs.length, data);
  if (clippedAny) annotations.push(CLIPPED_NOTE);
  const title = wrapTitle(
    options.title ?? `${metric} by partition (${cgroup}, ${task}) with 95% intervals`,
    width,
  );
  // Dotted lines between the partition families: agg | …Src | …Cpt (zero-shot) | …dist (robustness).
  const shapes: Record<string, unknown>[] = [];
  for (let i = 1; i < partitions.length; i++) {
    if (partitionFamily(partitions[i]) !== partitionFamily(partitions[i - 1])) {
      shapes.push({
        type: "line",
        xref: "x",
        yref: "paper",
        x0: i - 0.5,
        x1: i - 0.5,
        y0: 0,
        y1: 1,
        line: { color: "#bbb", width: 1, dash: "dot" },
      });
    }
  }
  return {
    data,
    layout: {
      width,
      height,
      autosize: false,
      title: { text: title.text, x: 0, xanchor: "left", xref: "paper", font: { size: 15 } },
      barmode: "group",
      margin: { l: 70, r: 20, t: 40 + 20 * title.lines, b: clippedAny ? 100 : 70 },
      yaxis: { title: { text: unit }, zeroline: true, rangemode: "tozero" },
      xaxis: { type: "category", tickangle: 0 },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom" },
      showlegend: runs.length > 1,
      shapes,
      annotations,
      paper_bgcolor: "white",
      plot_bgcolor: "white",
    },
  };
}

/** Said under the chart when an interval reached past what a score can be (a t-interval over few samples). */
const CLIPPED_NOTE: Record<string, unknown> = {
  xref: "paper",
  yref: "paper",
  x: 0,
  y: -0.16,
  xanchor: "left",
  yanchor: "top",
  showarrow: false,
  align: "left",
  font: { size: 11, color: "#555" },
  text:
    "Some 95% intervals reach past the possible range (0–100; deldist −100–100), as t-intervals over few " +
    "samples do; they are drawn clipped (hover for the computed bounds and N).",
};

/** Pixels per character of a 15 px title, a little generous so that a wrapped line never overflows. */
const TITLE_CHAR_PX = 8.5;

/** Breaks a title at spaces into lines that fit the figure width (plotly does not wrap titles). */
function wrapTitle(text: string, width: number): { text: string; lines: number } {
  const maxChars = Math.max(20, Math.floor((width - 20) / TITLE_CHAR_PX));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return { text: lines.join("<br>"), lines: lines.length };
}

/**
 * Each bar's value, written just right of the bar's centre line at the height of its mean, so that the error
 * bar (which runs through the centre) never crosses the digits. Grouped bars of n runs sit at category
 * offsets (i − (n − 1)/2) · 0.8/n (plotly's default bargap 0.2, no group gap).
 */
function valueLabels(runCount: number, data: readonly PlotlyTrace[]): Record<string, unknown>[] {
  const labels: Record<string, unknown>[] = [];
  for (const [i, trace] of data.entries()) {
    const offset = ((i - (runCount - 1) / 2) * 0.8) / runCount;
    for (const [k, mean] of (trace.y as (number | null)[]).entries()) {
      if (mean === null) continue;
      labels.push({
        x: k + offset,
        y: mean,
        xref: "x",
        yref: "y",
        text: mean.toFixed(1),
        showarrow: false,
        xanchor: "left",
        yanchor: mean >= 0 ? "top" : "bottom",
        xshift: 5,
        font: { size: 11, color: "#222" },
        bgcolor: "rgba(255,255,255,0.85)",
        borderpad: 1,
      });
    }
  }
  return labels;
}
