import "server-only";
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import type { BlockList } from "node:net";
import { checkDestination, EgressRefused, pinnedLookup, type Resolver } from "../adapters/egress";

// The http executor: one request on the user's behalf, to a public address only (checked
// after DNS, connected to the address checked; each redirect checked again, and secrets not
// sent to another origin). What comes back is kept for the run: status, latency, headers and
// the first RESPONSE_KEEP_BYTES of the body.

export const RESPONSE_KEEP_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

export type HttpRequestSpec = {
  method: string;
  url: string;
  headers: { name: string; value: string; secret: boolean }[];
  body?: string | undefined;
  /** Statuses that count as success; empty: any 2xx. */
  acceptStatus: number[];
};

export type HttpOutcome = {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  headers: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
  /** Why it failed without an answer, or why the answer does not count (refused address, timeout ...). */
  error: string | null;
  /** The last URL asked (after redirects). */
  finalUrl: string;
  /** Ended by its timeout, or by the caller's signal (a cancel). */
  timedOut: boolean;
  aborted: boolean;
};

type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer; truncated: boolean };

function once(
  spec: { method: string; url: URL; headers: Record<string, string>; body?: string | undefined },
  lookup: ReturnType<typeof pinnedLookup>,
  signal: AbortSignal,
): Promise<Answer> {
  const client = spec.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(spec.url, { method: spec.method, headers: spec.headers, lookup: lookup as never, signal }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      res.on("data", (chunk: Buffer) => {
        if (kept >= RESPONSE_KEEP_BYTES) {
          truncated = true;
          res.destroy();
          return;
        }
        const part = chunk.subarray(0, RESPONSE_KEEP_BYTES - kept);
        chunks.push(part);
        kept += part.length;
        if (part.length < chunk.length) truncated = true;
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
      res.on("end", done);
      res.on("close", done);
      res.on("error", (err) => (truncated ? done() : reject(err)));
    });
    req.on("error", reject);
    if (spec.body !== undefined && spec.method !== "GET" && spec.method !== "HEAD") req.write(spec.body);
    req.end();
  });
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")]));
}

/** Runs the request; never throws (a refusal, timeout or network error is an outcome too). */
export async function runHttpRequest(
  spec: HttpRequestSpec,
  opts: {
    timeoutMs: number;
    allow: BlockList | null;
    signal?: AbortSignal;
    resolve?: Resolver;
    /** Redirects followed (each destination checked again); 0: a 3xx answer is the outcome (webhooks). */
    maxRedirects?: number;
  },
): Promise<HttpOutcome> {
  const started = Date.now();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let url = spec.url;
  let method = spec.method;
  let body = spec.body;
  const origin = new URL(spec.url).origin;
  const outcome = (o: Partial<HttpOutcome>): HttpOutcome => ({
    ok: false,
    status: null,
    latencyMs: Date.now() - started,
    headers: {},
    body: "",
    bodyTruncated: false,
    error: null,
    finalUrl: url,
    timedOut: false,
    aborted: false,
    ...o,
  });
  try {
    for (let hop = 0; ; hop++) {
      const dest = await checkDestination(url, opts.allow, opts.resolve);
      // Secret headers (and any Authorization) go only to the origin they were written for.
      const sameOrigin = dest.url.origin === origin;
      const headers = Object.fromEntries(
        spec.headers.filter((h) => sameOrigin || (!h.secret && h.name.toLowerCase() !== "authorization")).map((h) => [h.name, h.value]),
      );
      const answer = await once({ method, url: dest.url, headers, body }, pinnedLookup(dest), signal);
      const location = answer.headers.location;
      const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
      if ([301, 302, 303, 307, 308].includes(answer.status) && location) {
        if (maxRedirects === 0) return outcome({ status: answer.status, error: `answered ${answer.status} (redirects are not followed)` });
        if (hop >= maxRedirects) return outcome({ status: answer.status, error: `more than ${maxRedirects} redirects` });
        url = new URL(location, dest.url).toString();
        if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      const ok = spec.acceptStatus.length ? spec.acceptStatus.includes(answer.status) : answer.status >= 200 && answer.status < 300;
      return outcome({
        ok,
        status: answer.status,
        headers: flatHeaders(answer.headers),
        body: answer.body.toString("utf8"),
        bodyTruncated: answer.truncated,
        error: ok ? null : `status ${answer.status} is not an accepted status`,
      });
    }
  } catch (err) {
    if (err instanceof EgressRefused) return outcome({ error: `${url} refused: ${err.message}` });
    if (opts.signal?.aborted) return outcome({ error: "cancelled", aborted: true });
    if (timeout.aborted) return outcome({ error: `no answer within ${Math.round(opts.timeoutMs / 1000)} s`, timedOut: true });
    return outcome({ error: (err as Error).message });
  }
}
