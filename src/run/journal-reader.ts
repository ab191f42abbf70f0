/**
 * Reads every worker's journal in `<run>/journal/` incrementally (only bytes appended since the last read) into
 * a RunState. An incomplete last line is left for later (or ignored for good if its writer died); a record
 * from another model or options stops the reader with E_JOURNAL_MISMATCH.
 */
import { open, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { GritlocError } from "../errors.js";
import { decodeRecord, type JournalRecord } from "./journal-record.js";
import type { RunState } from "./run-state.js";

/** Journal files are `<worker id>.jsonl`. */
export const JOURNAL_SUFFIX = ".jsonl";

/** The worker id of a journal file. */
export function workerIdOf(path: string): string {
  return basename(path, JOURNAL_SUFFIX);
}

interface FileCursor {
  offset: number;
  /** Bytes after the last newline: a line still being written, or torn by a crash. */
  pending: Buffer;
  lineNumber: number;
}

export interface JournalBinding {
  /** The run's options hash; every record must carry it. */
  readonly optionsHash: string;
  /** The run's model name, for messages. */
  readonly model: string;
}

export interface JournalProblem {
  readonly file: string;
  readonly line: number;
  readonly kind: "corrupt" | "torn";
}

export class JournalSet {
  private readonly cursors = new Map<string, FileCursor>();
  private readonly corrupt: JournalProblem[] = [];

  /**
   * @param dir the run's `journal/` folder
   * @param state receives every record
   * @param binding what every record must match
   * @param skip file names not to read (the worker's own journal, whose records it applies itself)
   */
  constructor(
    readonly dir: string,
    readonly state: RunState,
    private readonly binding: JournalBinding,
    private readonly skip: ReadonlySet<string> = new Set(),
  ) {}

  /** Lists the folder for new journals (slow on network drives, so callers do it less often). */
  async list(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const name of names.sort()) {
      if (!name.endsWith(JOURNAL_SUFFIX) || this.skip.has(name) || this.cursors.has(name)) continue;
      this.cursors.set(name, { offset: 0, pending: Buffer.alloc(0), lineNumber: 0 });
    }
  }

  /** Reads what was appended to the known journals since the last call; resolves to the records added. */
  async read(): Promise<number> {
    let added = 0;
    for (const [name, cursor] of this.cursors) added += await this.readFile(name, cursor);
    return added;
  }

  /** Lists and reads. */
  async refresh(): Promise<number> {
    await this.list();
    return this.read();
  }

  /** Complete lines that were not valid records, and journals ending in an incomplete line. */
  problems(): JournalProblem[] {
    const torn: JournalProblem[] = [];
    for (const [name, cursor] of this.cursors) {
      if (cursor.pending.length > 0) torn.push({ file: name, line: cursor.lineNumber + 1, kind: "torn" });
    }
    return [...this.corrupt, ...torn];
  }

  /** The journal files seen so far. */
  files(): string[] {
    return [...this.cursors.keys()];
  }

  private async readFile(name: string, cursor: FileCursor): Promise<number> {
    const handle = await open(join(this.dir, name), "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined; // eventual visibility: listed but not readable yet
      throw error;
    });
    if (handle === undefined) return 0;
    let chunk: Buffer;
    try {
      const { size } = await handle.stat();
      if (size < cursor.offset) {
        // Replaced by a sync client: re-read it whole. Applying records twice is harmless (RunState is idempotent).
        cursor.offset = 0;
        cursor.pending = Buffer.alloc(0);
        cursor.lineNumber = 0;
      }
      if (size === cursor.offset) return 0;
      chunk = Buffer.alloc(size - cursor.offset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, cursor.offset);
      chunk = chunk.subarray(0, bytesRead);
      cursor.offset += bytesRead;
    } finally {
      await handle.close();
    }
    const bytes = cursor.pending.length > 0 ? Buffer.concat([cursor.pending, chunk]) : chunk;
    let start = 0;
    let added = 0;
    const worker = workerIdOf(name);
    for (let newline = bytes.indexOf(10, start); newline !== -1; newline = bytes.indexOf(10, start)) {
      const line = bytes.toString("utf8", start, newline).trim();
      start = newline + 1;
      cursor.lineNumber++;
      if (line === "") continue;
      const record = decodeRecord(line);
      if (record === undefined) {
        this.corrupt.push({ file: name, line: cursor.lineNumber, kind: "corrupt" });
        continue;
      }
      this.check(name, cursor.lineNumber, record);
      this.state.apply(worker, record);
      added++;
    }
    cursor.pending = Buffer.from(bytes.subarray(start));
    return added;
  }

  private check(name: string, line: number, record: JournalRecord): void {
    if (record.type !== "worker" && record.type !== "result") return;
    if (record.optionsHash === this.binding.optionsHash) return;
    throw new GritlocError(
      "E_JOURNAL_MISMATCH",
      `Journal ${join(this.dir, name)} (line ${line}) was written by model ${record.model} with options ` +
        `${record.optionsHash}, but this run is bound to ${this.binding.model} with options ` +
        `${this.binding.optionsHash}. Use a new --run folder for a different model, or move that journal out.`,
      { details: { file: name, line, found: record.optionsHash, expected: this.binding.optionsHash } },
    );
  }
}
