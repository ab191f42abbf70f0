/**
 * HTTP GET over node:http / node:https: a URL + headers → the response stream of the final URL after
 * following redirects. Socket inactivity longer than `timeoutMs` fails the request (retryable).
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body; the caller must consume or destroy it. */
  readonly body: IncomingMessage;
  /** The URL that answered (after redirects). */
  readonly url: string;
}

export interface HttpGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Socket inactivity limit. @default 60000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** @default 10 */
  readonly maxRedirects?: number;
}

/** A network-level failure of one request (reset, timeout, refused, DNS), worth retrying. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function once(url: URL, options: HttpGetOptions): Promise<IncomingMessage> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: "GET",
      headers: { "user-agent": "gritloc", ...options.headers },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => {
      req.destroy(
        new NetworkError(`no data from ${url.host} for ${options.timeoutMs ?? 60_000} ms`, "ETIMEDOUT"),
      );
    });
    req.once("response", resolve);
    req.once("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError" || error instanceof NetworkError) reject(error);
      else
        reject(
          new NetworkError(`${error.message} (${url.host})`, error.code ?? "ENETWORK", { cause: error }),
        );
    });
    req.end();
  });
}

/**
 * GETs `url`, following up to `maxRedirects` redirects (headers such as Range are kept on each hop).
 * @throws NetworkError for connection failures and timeouts; an AbortError when `signal` aborts.
 */
export async function httpGet(url: string, options: HttpGetOptions = {}): Promise<HttpResponse> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const body = await once(current, options);
    const status = body.statusCode ?? 0;
    const location = body.headers.location;
    if (!REDIRECTS.has(status) || location === undefined) {
      return { status, headers: body.headers, body, url: current.href };
    }
    body.resume();
    if (hop >= (options.maxRedirects ?? 10)) {
      throw new NetworkError(`too many redirects starting at ${url}`, "ETOOMANYREDIRECTS");
    }
    current = new URL(location, current);
  }
}
