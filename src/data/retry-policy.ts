/**
 * Retry policy for downloads: which failures are worth another attempt, and how long to wait before it
 * (exponential backoff with jitter, or the server's Retry-After).
 */
import { NetworkError } from "./http-get.js";

/** An HTTP status that ended an attempt. */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly url: string,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`${url} answered HTTP ${status}`);
  }
}

// Transient network failures: the connection dropped, timed out, or the host was briefly unreachable.
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "EPREMATURE",
]);

/** True for server errors, throttling and timeouts (5xx, 408, 425, 429); false for 4xx like 404. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

/** True when another attempt may succeed. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) return isRetryableStatus(error.status);
  if (error instanceof NetworkError) return RETRYABLE_CODES.has(error.code);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // Body streams fail with plain errors ("aborted", code ECONNRESET) when the peer drops the connection.
  return typeof code === "string" && RETRYABLE_CODES.has(code);
}

/**
 * Delay before retry number `attempt` (1-based): `baseMs · 2^(attempt-1)` capped at `maxMs`, times a
 * random factor in [0.5, 1) so parallel downloads do not retry in lockstep; a Retry-After wins when given.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  error?: unknown,
  random: () => number = Math.random,
): number {
  if (error instanceof HttpStatusError && error.retryAfterSeconds !== null) {
    return Math.min(maxMs, error.retryAfterSeconds * 1000);
  }
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + 0.5 * random());
}

/** Parses a Retry-After header given in seconds (dates are ignored: backoff applies instead). */
export function parseRetryAfter(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}
