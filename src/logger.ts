/**
 * Library logging: records go to a handler the application installs (the CLI prints them to stderr, a notebook
 * to its output). Until one is installed, warnings and errors go to stderr as `gritloc [scope] warn: message`
 * (a library user must see "RANDOM weights" or "using CPU"), and info/debug are dropped.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  /** The module that logged, e.g. "onnx" or "run". */
  readonly scope: string;
}

export type LogHandler = (record: LogRecord) => void;

/** The handler in place until an application installs its own: warnings and errors to stderr. */
export const defaultLogHandler: LogHandler = (record) => {
  if (record.level === "warn" || record.level === "error") {
    process.stderr.write(`gritloc [${record.scope}] ${record.level}: ${record.message}\n`);
  }
};

let handler: LogHandler = defaultLogHandler;

/**
 * Installs the function that receives every log record; returns the previous one (pass `defaultLogHandler` back
 * to restore stderr warnings, or `() => {}` to silence the library).
 */
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
