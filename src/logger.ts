/**
 * Library logging: records go to a handler the application installs (the CLI prints them to stderr, a notebook
 * to its output). The default handler drops info/debug and keeps nothing, so the library itself never prints.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  /** The module that logged, e.g. "onnx" or "run". */
  readonly scope: string;
}

export type LogHandler = (record: LogRecord) => void;

let handler: LogHandler = () => {};

/** Installs the function that receives every log record; returns the previous one. */
export function setLogHandler(next: LogHandler): LogHandler {
  const previous = handler;
  handler = next;
  return previous;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger for one module; records carry its scope. */
export function createLogger(scope: string): Logger {
  const emit = (level: LogLevel, message: string) => handler({ level, message, scope });
  return {
    debug: (message) => emit("debug", message),
    info: (message) => emit("info", message),
    warn: (message) => emit("warn", message),
    error: (message) => emit("error", message),
  };
}
