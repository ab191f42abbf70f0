/**
 * A local HTTP server on 127.0.0.1 for download tests: serves byte bodies with ETag/Range/If-Range like S3,
 * records every request (with headers), and injects failures per request: HTTP statuses, a connection
 * dropped mid-body, wrong bytes, Range ignored, redirects, slow bodies.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What one request to a route does; a route's `plan` is consumed one step per request, then "ok". */
export type Step =
  | { readonly kind: "ok" }
  | { readonly kind: "status"; readonly status: number; readonly headers?: Record<string, string> }
  /** Sends the first `afterBytes` bytes of the (range) body, then destroys the socket. */
  | { readonly kind: "drop"; readonly afterBytes: number }
  /** Sends a body of the right length with different bytes. */
  | { readonly kind: "wrong-bytes" }
  | { readonly kind: "redirect"; readonly to: string; readonly status?: number };

export interface Route {
  body: Uint8Array;
  etag?: string;
  lastModified?: string;
  /** Answer every Range request with the full body and 200, like some mirrors. */
  ignoreRange?: boolean;
  /** Send the body in `chunk`-byte pieces every `intervalMs` (to interrupt a download mid-way). */
  throttle?: { chunk: number; intervalMs: number };
  plan?: Step[];
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestServer {
  readonly origin: string;
  readonly requests: RecordedRequest[];
  readonly routes: Map<string, Route>;
  url(path: string): string;
  /** Requests made to `path` so far. */
  requestsFor(path: string): RecordedRequest[];
  /** Total bytes of response bodies sent for `path`. */
  bytesSent(path: string): number;
  close(): Promise<void>;
}

function flipped(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body);
  for (let i = 0; i < out.length; i += 97) out[i] = (out[i] as number) ^ 0xff;
  if (out.length > 0) out[out.length - 1] = (out[out.length - 1] as number) ^ 0x5a;
  return out;
}

async function writeBody(
  res: ServerResponse,
  body: Uint8Array,
  route: Route,
  count: (n: number) => void,
): Promise<void> {
  if (route.throttle === undefined) {
    count(body.length);
    res.end(Buffer.from(body));
    return;
  }
  const { chunk, intervalMs } = route.throttle;
  for (let offset = 0; offset < body.length && !res.destroyed; offset += chunk) {
    const piece = body.subarray(offset, Math.min(body.length, offset + chunk));
    await new Promise<void>((resolve) => res.write(Buffer.from(piece), () => resolve()));
    count(piece.length);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  if (!res.destroyed) res.end();
}

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const sent = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, headers: req.headers });
    const count = (n: number) => sent.set(path, (sent.get(path) ?? 0) + n);
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const step: Step = route.plan?.shift() ?? { kind: "ok" };
    if (step.kind === "status") {
      res
        .writeHead(step.status, { "content-type": "text/plain", ...step.headers })
        .end(`status ${step.status}`);
      return;
    }
    if (step.kind === "redirect") {
      res.writeHead(step.status ?? 302, { location: step.to }).end();
      return;
    }
    const full = step.kind === "wrong-bytes" ? flipped(route.body) : route.body;
    const headers: Record<string, string> = {
      "accept-ranges": "bytes",
      "content-type": "application/octet-stream",
    };
    if (route.etag !== undefined) headers.etag = route.etag;
    if (route.lastModified !== undefined) headers["last-modified"] = route.lastModified;
    let status = 200;
    let body = full;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const ifRange = req.headers["if-range"];
    const validatorOk = ifRange === undefined || ifRange === route.etag || ifRange === route.lastModified;
    if (range !== null && !route.ignoreRange && validatorOk) {
      const start = Number(range[1]);
      if (start >= full.length) {
        res.writeHead(416, { "content-range": `bytes */${full.length}` }).end();
        return;
      }
      status = 206;
      body = full.subarray(start);
      headers["content-range"] = `bytes ${start}-${full.length - 1}/${full.length}`;
    }
    headers["content-length"] = String(body.length);
    res.writeHead(status, headers);
    if (step.kind === "drop") {
      const piece = body.subarray(0, step.afterBytes);
      res.write(Buffer.from(piece), () => {
        count(piece.length);
        // Let the bytes reach the client before the connection goes away.
        setTimeout(() => req.socket.destroy(), 30);
      });
      return;
    }
    void writeBody(res, body, route, count);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    routes,
    url: (path) => `${origin}${path}`,
    requestsFor: (path) => requests.filter((r) => r.path === path),
    bytesSent: (path) => sent.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
