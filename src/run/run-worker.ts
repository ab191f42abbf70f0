/**
 * One inference worker on a run folder: takes the chunks its ChunkClaims picks, prepares images in the pool
 * ahead of the model (bounded prefetch), runs `localize` once per image group on this thread, journals every
 * sample, and skips what other workers finished. Resolved options + a Localizer + a prepare fn → RunHandle.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isGritlocError } from "../errors.js";
import { makeFolder } from "../make-folder.js";
import type { Localization, Localizer } from "../models/localizer.js";
import type { PreparedImage, PrepareSpec } from "../vision/prepare.js";
import { ChunkClaims } from "./chunk-claims.js";
import { JOURNAL_SUFFIX, JournalSet, workerIdOf } from "./journal-reader.js";
import type { JournalError, JournalRecord, ResultRecord } from "./journal-record.js";
import { JournalWriter } from "./journal-writer.js";
import { buildPlan, type PlanGroup, type PlanSample, type WorkPlan } from "./plan.js";
import type { RunCounts, RunEnd, RunEvent, RunSummary } from "./run-event.js";
import { gritlocVersion, openRunManifest, RUN_FORMAT, type RunManifest } from "./run-manifest.js";
import { RunState } from "./run-state.js";
import { currentHost } from "./worker-id.js";
import { isWorkerLive, type LivenessContext } from "./worker-liveness.js";
import { type ChunkChoice, describeRole, type WorkerRole } from "./worker-role.js";

/** Prepares one image file for the localizer (a worker-thread pool, or inline). */
export type PrepareFn = (path: string, spec: PrepareSpec) => Promise<PreparedImage>;

/** Everything a worker needs, defaults applied (see `resolveRunOptions`). */
export interface WorkerConfig {
  readonly samples: readonly PlanSample[];
  readonly samplesFile: { readonly path: string; readonly sha256: string };
  /** JSON model spec, recorded in run.json. */
  readonly modelSpec: unknown;
  readonly imagesDir: string;
  readonly runDir: string;
  readonly workerId: string;
  readonly role: WorkerRole;
  /** Stop after this many samples (predictions + failures) in this session. */
  readonly limit: number;
  /** Run again the samples whose latest result (from before this worker started) is a failure. */
  readonly retryErrors: boolean;
  /** Samples per claimed chunk when this worker creates the run (later workers use run.json's). */
  readonly chunkSize: number;
  /** Image groups being prepared ahead of the model at most. */
  readonly prefetch: number;
  readonly flushEvery: number;
  readonly flushIntervalMs: number;
  /** Claims of a worker silent for this long lapse. */
  readonly leaseMs: number;
  /** Re-read other journals at least this often while working. */
  readonly refreshIntervalMs: number;
  /** List the journal folder for new workers at most this often. */
  readonly listIntervalMs: number;
  /** While waiting on others' claims, look again this often. */
  readonly pollIntervalMs: number;
  /** Give up after this many consecutive failed `localize` calls (the model, not the data, is broken). */
  readonly maxConsecutiveModelErrors: number;
  /** Claim at most this many chunks ahead of the one in progress. */
  readonly maxClaimAhead: number;
}

export interface WorkerDeps {
  readonly localizer: Localizer;
  readonly prepare: PrepareFn;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Task {
  readonly group: PlanGroup;
  readonly sampleIndices: number[];
  readonly requestedAt: number;
  readonly prepared: Promise<Settled<PreparedImage>>;
}

/** Sample status, as this worker sees it. */
const OPEN = 0;
const PREDICTED = 1;
const FAILED = 2;

function toJournalError(error: unknown): JournalError {
  const code = isGritlocError(error)
    ? error.code
    : typeof (error as { code?: unknown })?.code === "string"
      ? (error as { code: string }).code
      : "E_UNKNOWN";
  const message = error instanceof Error ? error.message : String(error);
  return { code, message };
}

/**
 * Runs one worker until nothing is left for it, `config.limit` is reached or `signal` aborts (then it stops
 * after the sample in the model). Library users call `runInference`, which builds the localizer and the
 * prepare pool and calls this inside a RunHandle.
 */
export function runWorker(
  deps: WorkerDeps,
  config: WorkerConfig,
  emit: (event: RunEvent) => void,
  signal: AbortSignal,
): Promise<RunSummary> {
  const worker = new InferenceWorker(deps, config, emit);
  if (signal.aborted) worker.requestStop();
  else signal.addEventListener("abort", () => worker.requestStop(), { once: true });
  return worker.run();
}

class InferenceWorker {
  private readonly state = new RunState();
  private readonly journalName: string;
  private readonly journalPath: string;
  private readonly host = currentHost();
  private plan!: WorkPlan;
  private manifest!: RunManifest;
  private reader!: JournalSet;
  private writer!: JournalWriter;
  private status!: Uint8Array;
  private claims!: ChunkClaims;
  /** Example id → sample index. */
  private readonly indexOf = new Map<string, number>();
  private readonly queue: Task[] = [];
  private pendingGroups: PlanGroup[] = [];
  private startedAt = 0;
  private lastRefreshAt = 0;
  private lastListAt = 0;
  private listMs = 0;
  private queued = 0;
  private predictions = 0;
  private errors = 0;
  private byOthers = 0;
  /** Main-thread time spent waiting for prepared images, and inside `localize`. */
  private prepareWaitMs = 0;
  private modelMs = 0;
  private done = 0;
  private failed = 0;
  private stopping = false;
  private started = false;
  private wakeUp: (() => void) | undefined;
  private modelName = "";

  constructor(
    private readonly deps: WorkerDeps,
    private readonly config: WorkerConfig,
    private readonly emit: (event: RunEvent) => void,
  ) {
    this.journalName = `${config.workerId}${JOURNAL_SUFFIX}`;
    this.journalPath = join(config.runDir, "journal", this.journalName);
  }

  requestStop(): void {
    this.stopping = true;
    this.wakeUp?.();
  }

  async run(): Promise<RunSummary> {
    await this.open();
    // Keeps claims alive while one `localize` call takes longer than a quarter of the lease.
    const heartbeat = setInterval(() => {
      if (Date.now() - this.writer.lastFlushAt < this.config.leaseMs / 4) return;
      this.record({ type: "alive", at: Date.now() });
      void this.writer.flush().catch(() => {});
    }, this.config.leaseMs / 8);
    heartbeat.unref();
    let end: RunEnd = "finished";
    let failure: { error: unknown } | undefined;
    try {
      end = await this.loop();
    } catch (error) {
      failure = { error };
    }
    clearInterval(heartbeat);
    if (failure !== undefined) {
      // The run's own error matters more than a second one while closing (e.g. the journal's disk is gone).
      await this.close("failed").catch(() => {});
      throw failure.error;
    }
    await this.close(end);
    const summary = this.summary(end);
    this.emit({ type: "done", summary });
    return summary;
  }

  private async open(): Promise<void> {
    const { config } = this;
    const info = this.deps.localizer.info;
    this.modelName = `${info.family}/${info.model}`;
    await makeFolder(join(config.runDir, "journal"));
    this.manifest = await openRunManifest(config.runDir, {
      format: RUN_FORMAT,
      modelSpec: config.modelSpec,
      family: info.family,
      model: this.modelName,
      optionsHash: info.optionsHash,
      paramsInMillions: info.paramsInMillions,
      samples: { ...config.samplesFile, count: config.samples.length },
      chunkSize: config.chunkSize,
      created: new Date().toISOString(),
      gritlocVersion: gritlocVersion(),
    });
    this.plan = buildPlan(config.samples, { chunkSize: this.manifest.chunkSize });
    this.status = new Uint8Array(config.samples.length);
    for (let i = 0; i < config.samples.length; i++) this.indexOf.set(config.samples[i].exampleId, i);
    const { workerId, role, leaseMs, maxClaimAhead } = config;
    const claimsConfig = { workerId, role, leaseMs, maxClaimAhead, chunkSize: this.manifest.chunkSize };
    this.claims = new ChunkClaims(claimsConfig, this.state, this.plan, {
      isSampleOpen: (i) => this.status[i] === OPEN,
      refresh: (list) => this.refresh(list),
      record: (record) => this.record(record),
      flush: () => this.writer.flush(),
      liveness: () => this.liveness(),
      msPerSample: () => {
        const processed = this.predictions + this.errors;
        return processed === 0 ? null : (Date.now() - this.startedAt) / processed;
      },
    });
    this.reader = new JournalSet(
      join(config.runDir, "journal"),
      this.state,
      { optionsHash: this.manifest.optionsHash, model: this.manifest.model },
      new Set([this.journalName]),
    );
    this.startedAt = Date.now();
    await this.refresh(true);
    const liveness = this.liveness();
    for (const problem of this.reader.problems()) {
      // An incomplete last line of a live worker is a write in progress, not a crash.
      const writer = this.state.workers.get(workerIdOf(problem.file));
      if (problem.kind === "torn" && writer !== undefined && isWorkerLive(writer, liveness)) continue;
      const what =
        problem.kind === "torn"
          ? "ends with an incomplete line (a crash mid-write; that sample will be redone)"
          : "has a line that is not a valid record (ignored; its sample will be redone)";
      this.emit({ type: "warning", message: `Journal ${problem.file} line ${problem.line} ${what}.` });
    }
    this.writer = await JournalWriter.open(this.journalPath, config);
    this.record({
      type: "worker",
      worker: config.workerId,
      host: this.host,
      pid: process.pid,
      role: describeRole(config.role),
      model: this.modelName,
      optionsHash: info.optionsHash,
      gritlocVersion: gritlocVersion(),
      at: Date.now(),
    });
    await this.writer.flush();
    // Workers started together may each have listed the folder before the others' journals existed; of any
    // two, the one that created its journal later sees the other's now.
    await this.reader.list();
    this.started = true;
    this.emit({
      type: "start",
      worker: config.workerId,
      journal: this.journalPath,
      role: describeRole(config.role),
      model: this.modelName,
      counts: this.counts(),
    });
  }

  private async close(reason: string): Promise<void> {
    // Let prepares already running finish, so no worker thread is left busy with our images.
    await Promise.all(this.queue.splice(0).map((task) => task.prepared));
    if (this.writer === undefined) return;
    this.record({ type: "end", reason, at: Date.now() });
    await this.writer.close();
  }

  private record(record: JournalRecord): void {
    this.writer.append(record);
    this.state.apply(this.config.workerId, record);
  }

  /** Reads other journals (and lists the folder when due); updates statuses and counts. */
  private async refresh(list = false): Promise<void> {
    const now = Date.now();
    // Listing is cheap on a local disk and slow on Drive: spend at most ~2% of the time on it.
    const listEveryMs = Math.min(this.config.listIntervalMs, Math.max(200, 50 * this.listMs));
    if (list || now - this.lastListAt >= listEveryMs) {
      await this.reader.list();
      this.lastListAt = Date.now();
      this.listMs = this.lastListAt - now;
    }
    this.lastRefreshAt = now;
    await this.reader.read();
    for (const claim of this.state.drainClaims()) {
      // Lags are measured once the worker runs (the first read finds old claims).
      if (this.started) this.claims.noteSeen(claim);
    }
    let newlyDone = 0;
    for (const exampleId of this.state.drainTouched()) {
      const i = this.indexOf.get(exampleId);
      if (i === undefined || this.status[i] !== OPEN) continue;
      const next = this.statusFromState(i);
      if (next === OPEN) continue;
      this.status[i] = next;
      this.done++;
      if (next === FAILED) this.failed++;
      newlyDone++;
    }
    if (newlyDone > 0 && this.started) {
      this.byOthers += newlyDone;
      this.emit({ type: "skip", count: newlyDone, counts: this.counts() });
    }
  }

  private statusFromState(index: number): number {
    const exampleId = this.config.samples[index].exampleId;
    if (this.state.hasPrediction(exampleId)) return PREDICTED;
    const failure = this.state.failure(exampleId);
    if (failure === undefined) return OPEN;
    // With retryErrors, only failures recorded before this worker started are run again.
    return this.config.retryErrors && failure.record.at < this.startedAt ? OPEN : FAILED;
  }

  private counts(): RunCounts {
    return {
      total: this.status.length,
      done: this.done,
      errors: this.failed,
      processed: this.predictions + this.errors,
      byOthers: this.byOthers,
    };
  }

  private liveness(): LivenessContext {
    return { host: this.host, now: Date.now(), leaseMs: this.config.leaseMs };
  }

  /** Fills the prepare queue up to `prefetch` groups; returns what the chunk picker said last. */
  private async fill(): Promise<ChunkChoice | undefined> {
    const { config } = this;
    while (this.queue.length < config.prefetch && !this.stopping && this.queued < config.limit) {
      if (this.pendingGroups.length === 0) {
        const next = await this.claims.next();
        if (typeof next !== "number") return next;
        const chunk = this.plan.chunks[next];
        this.pendingGroups = this.plan.groups.slice(chunk.firstGroup, chunk.endGroup);
        continue;
      }
      const group = this.pendingGroups.shift()!;
      const open = group.sampleIndices.filter((i) => this.status[i] === OPEN);
      const sampleIndices = open.slice(0, config.limit - this.queued);
      if (sampleIndices.length === 0) continue;
      this.queued += sampleIndices.length;
      const path = join(config.imagesDir, group.imageId);
      const prepared = this.deps.prepare(path, this.deps.localizer.prepareSpec).then(
        (value): Settled<PreparedImage> => ({ ok: true, value }),
        (error: unknown): Settled<PreparedImage> => ({ ok: false, error }),
      );
      this.queue.push({ group, sampleIndices, requestedAt: Date.now(), prepared });
    }
    return undefined;
  }

  private async loop(): Promise<RunEnd> {
    const { config } = this;
    let consecutiveModelErrors = 0;
    let waitingFor = "";
    for (;;) {
      if (this.stopping) return "stopped";
      const choice = await this.fill();
      const task = this.queue.shift();
      if (task === undefined) {
        if (this.stopping) return "stopped";
        if (this.queued >= config.limit) return "limit";
        if (choice === undefined || choice.kind === "finished") return "finished";
        if (choice.kind === "wait") {
          const key = choice.chunks.join(",");
          if (key !== waitingFor) this.emit({ type: "wait", chunks: choice.chunks, counts: this.counts() });
          waitingFor = key;
          await this.pause(config.pollIntervalMs);
          await this.refresh(true);
        }
        continue;
      }
      waitingFor = "";
      const waitStart = performance.now();
      const prepared = await task.prepared;
      this.prepareWaitMs += performance.now() - waitStart;
      const preparedAt = Date.now();
      if (preparedAt - this.lastRefreshAt >= config.refreshIntervalMs) await this.refresh();
      const todo = task.sampleIndices.filter((i) => this.status[i] === OPEN);
      if (todo.length === 0) continue;
      const prepareMs = preparedAt - task.requestedAt;
      if (!prepared.ok) {
        this.journalFailures(todo, toJournalError(prepared.error), prepareMs, 0);
        continue;
      }
      let localizations: Localization[];
      const modelStart = performance.now();
      try {
        const queries = todo.map((i) => config.samples[i].taskQuery);
        localizations = await this.deps.localizer.localize(prepared.value, queries);
        if (localizations.length !== queries.length) {
          throw new Error(`localize returned ${localizations.length} results for ${queries.length} queries`);
        }
      } catch (error) {
        const modelMs = (performance.now() - modelStart) / todo.length;
        this.journalFailures(todo, toJournalError(error), prepareMs, modelMs);
        if (++consecutiveModelErrors >= config.maxConsecutiveModelErrors) throw error;
        continue;
      }
      consecutiveModelErrors = 0;
      this.modelMs += performance.now() - modelStart;
      const modelMs = (performance.now() - modelStart) / todo.length;
      for (let k = 0; k < todo.length; k++)
        this.journalPrediction(todo[k], localizations[k], prepareMs, modelMs);
    }
  }

  private async pause(ms: number): Promise<void> {
    const ac = new AbortController();
    this.wakeUp = () => ac.abort();
    await sleep(ms, undefined, { signal: ac.signal }).catch(() => {});
    this.wakeUp = undefined;
  }

  private resultBase(index: number, prepareMs: number, modelMs: number) {
    return {
      type: "result" as const,
      exampleId: this.config.samples[index].exampleId,
      model: this.modelName,
      optionsHash: this.manifest.optionsHash,
      at: Date.now(),
      prepareMs: Math.round(prepareMs),
      modelMs: Math.round(modelMs * 10) / 10,
    };
  }

  private journalPrediction(index: number, loc: Localization, prepareMs: number, modelMs: number): void {
    const record: ResultRecord = {
      ...this.resultBase(index, prepareMs, modelMs),
      prediction: { confidence: loc.confidence, boxes: loc.boxes, scores: loc.scores },
    };
    this.record(record);
    this.status[index] = PREDICTED;
    this.done++;
    this.predictions++;
    this.emit({
      type: "item",
      exampleId: record.exampleId,
      boxes: loc.boxes.length,
      confidence: loc.confidence,
      modelMs: record.modelMs,
      counts: this.counts(),
    });
  }

  private journalFailures(indices: number[], error: JournalError, prepareMs: number, modelMs: number): void {
    for (const index of indices) {
      const record: ResultRecord = { ...this.resultBase(index, prepareMs, modelMs), error };
      this.record(record);
      this.status[index] = FAILED;
      this.done++;
      this.failed++;
      this.errors++;
      this.emit({ type: "error", exampleId: record.exampleId, ...error, counts: this.counts() });
    }
  }

  private summary(end: RunEnd): RunSummary {
    const elapsedMs = Date.now() - this.startedAt;
    let runErrors = 0;
    for (const sample of this.config.samples) if (this.state.failure(sample.exampleId)) runErrors++;
    return {
      worker: this.config.workerId,
      journal: this.journalPath,
      role: describeRole(this.config.role),
      runDir: this.config.runDir,
      total: this.status.length,
      predictions: this.predictions,
      errors: this.errors,
      doneByOthers: this.byOthers,
      remaining: this.status.length - this.done,
      runErrors,
      elapsedMs,
      samplesPerSecond: elapsedMs > 0 ? ((this.predictions + this.errors) * 1000) / elapsedMs : 0,
      prepareWaitSeconds: this.prepareWaitMs / 1000,
      modelSeconds: this.modelMs / 1000,
      end,
    };
  }
}
