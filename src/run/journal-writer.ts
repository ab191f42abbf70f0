/**
 * One worker's journal file: records → buffered lines → one write + fsync per batch. Only this worker writes
 * the file, so no locking or cross-machine O_APPEND is needed; a crash loses at most the unflushed batch.
 */
import { type FileHandle, open } from "node:fs/promises";
import { encodeRecord, type JournalRecord } from "./journal-record.js";

export interface JournalWriterOptions {
  /** Flush once this many records are buffered. */
  readonly flushEvery: number;
  /** Flush buffered records at least this often (ms). */
  readonly flushIntervalMs: number;
}

export class JournalWriter {
  private buffer: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly timer: NodeJS.Timeout;
  /** When the last flush reached the disk (epoch ms). */
  lastFlushAt = Date.now();

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly options: JournalWriterOptions,
  ) {
    this.timer = setInterval(() => {
      if (this.buffer.length > 0) void this.flush().catch(() => {});
    }, options.flushIntervalMs);
    this.timer.unref();
  }

  /** Creates (or appends to) the journal at `path`. */
  static async open(path: string, options: JournalWriterOptions): Promise<JournalWriter> {
    return new JournalWriter(path, await open(path, "a"), options);
  }

  /** Buffers a record; flushes when the batch is full. Rethrows an earlier write failure. */
  append(record: JournalRecord): void {
    if (this.failure !== undefined) throw this.failure;
    this.buffer.push(encodeRecord(record));
    if (this.buffer.length >= this.options.flushEvery) void this.flush().catch(() => {});
  }

  /** Writes and fsyncs everything buffered; resolves once it is durable. */
  flush(): Promise<void> {
    const lines = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      if (lines.length === 0) return;
      try {
        // One write per batch: a crash tears at most the batch's last line, which readers ignore.
        await this.handle.write(lines.join(""));
        await this.handle.sync();
        this.lastFlushAt = Date.now();
      } catch (error) {
        this.failure = error;
        throw error;
      }
    });
    return this.writing;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}
