/**
 * Journal lines: one JSON object per line, snake_case on disk (`example_id`, `bboxes` as in the GRIT
 * submission, so a journal can be read next to a localization.json). JournalRecord ⇄ line.
 */
import type { BoxXyxy } from "../grit/box.js";

/** First line of every journal: who wrote it and with which model. */
export interface WorkerRecord {
  readonly type: "worker";
  readonly worker: string;
  readonly host: string;
  readonly pid: number;
  readonly role: string;
  readonly model: string;
  readonly optionsHash: string;
  readonly gritlocVersion: string;
  readonly at: number;
}

/** The worker is about to run chunk `chunk`; others skip it while the worker is live. */
export interface ClaimRecord {
  readonly type: "claim";
  readonly chunk: number;
  readonly at: number;
}

/** The worker gave a chunk up (another worker claimed it first). */
export interface ReleaseRecord {
  readonly type: "release";
  readonly chunk: number;
  readonly at: number;
}

/** A heartbeat while one item takes long, so claims do not lapse. */
export interface AliveRecord {
  readonly type: "alive";
  readonly at: number;
}

/** The worker stopped on purpose; its unfinished claims are void at once. */
export interface EndRecord {
  readonly type: "end";
  readonly reason: string;
  readonly at: number;
}

export interface JournalPrediction {
  readonly confidence: number;
  readonly boxes: readonly BoxXyxy[];
  readonly scores: readonly number[];
}

export interface JournalError {
  readonly code: string;
  readonly message: string;
}

/** One finished sample: exactly one of `prediction` and `error` is set. */
export interface ResultRecord {
  readonly type: "result";
  readonly exampleId: string;
  readonly model: string;
  readonly optionsHash: string;
  /** Epoch milliseconds when the record was made. */
  readonly at: number;
  /** Wall time from asking for the prepared image until it arrived (decode, resize, SLIC, queueing). */
  readonly prepareMs: number;
  /** This sample's share of its `localize` call. */
  readonly modelMs: number;
  readonly prediction?: JournalPrediction;
  readonly error?: JournalError;
}

export type JournalRecord =
  | WorkerRecord
  | ClaimRecord
  | ReleaseRecord
  | AliveRecord
  | EndRecord
  | ResultRecord;

/** One journal line, with the trailing newline. */
export function encodeRecord(record: JournalRecord): string {
  return `${JSON.stringify(toWire(record))}\n`;
}

function toWire(record: JournalRecord): Record<string, unknown> {
  switch (record.type) {
    case "worker":
      return {
        type: "worker",
        worker: record.worker,
        host: record.host,
        pid: record.pid,
        role: record.role,
        model: record.model,
        options_hash: record.optionsHash,
        gritloc_version: record.gritlocVersion,
        at: record.at,
      };
    case "result": {
      const base = { type: "result", example_id: record.exampleId };
      const outcome =
        record.prediction !== undefined
          ? {
              confidence: record.prediction.confidence,
              bboxes: record.prediction.boxes,
              scores: record.prediction.scores,
            }
          : { error: record.error };
      const rest = {
        model: record.model,
        options_hash: record.optionsHash,
        at: record.at,
        prepare_ms: record.prepareMs,
        model_ms: record.modelMs,
      };
      return { ...base, ...outcome, ...rest };
    }
    default:
      return { ...record };
  }
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === "string";

function isBox(value: unknown): value is BoxXyxy {
  return Array.isArray(value) && value.length === 4 && value.every(isFiniteNumber);
}

/** Parses one line (without its newline); undefined when it is not a complete, well-formed record. */
export function decodeRecord(line: string): JournalRecord | undefined {
  let wire: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    wire = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const at = wire.at;
  if (!isFiniteNumber(at)) return undefined;
  switch (wire.type) {
    case "worker":
      if (![wire.worker, wire.host, wire.role, wire.model, wire.options_hash].every(isString))
        return undefined;
      if (!isFiniteNumber(wire.pid)) return undefined;
      return {
        type: "worker",
        worker: wire.worker as string,
        host: wire.host as string,
        pid: wire.pid,
        role: wire.role as string,
        model: wire.model as string,
        optionsHash: wire.options_hash as string,
        gritlocVersion: isString(wire.gritloc_version) ? wire.gritloc_version : "unknown",
        at,
      };
    case "claim":
    case "release":
      return Number.isInteger(wire.chunk) ? { type: wire.type, chunk: wire.chunk as number, at } : undefined;
    case "alive":
      return { type: "alive", at };
    case "end":
      return { type: "end", reason: isString(wire.reason) ? wire.reason : "", at };
    case "result":
      return decodeResult(wire, at);
    default:
      return undefined;
  }
}

function decodeResult(wire: Record<string, unknown>, at: number): ResultRecord | undefined {
  const { example_id: exampleId, model, options_hash: optionsHash } = wire;
  if (!isString(exampleId) || !isString(model) || !isString(optionsHash)) return undefined;
  const prepareMs = isFiniteNumber(wire.prepare_ms) ? wire.prepare_ms : 0;
  const modelMs = isFiniteNumber(wire.model_ms) ? wire.model_ms : 0;
  const base = { type: "result" as const, exampleId, model, optionsHash, at, prepareMs, modelMs };
  const error = wire.error as Record<string, unknown> | undefined;
  if (error !== undefined) {
    if (typeof error !== "object" || error === null || !isString(error.code) || !isString(error.message)) {
      return undefined;
    }
    return { ...base, error: { code: error.code, message: error.message } };
  }
  const { confidence, bboxes, scores } = wire;
  if (!isFiniteNumber(confidence) || !Array.isArray(bboxes) || !bboxes.every(isBox)) return undefined;
  if (!Array.isArray(scores) || !scores.every(isFiniteNumber)) return undefined;
  return { ...base, prediction: { confidence, boxes: bboxes, scores } };
}
