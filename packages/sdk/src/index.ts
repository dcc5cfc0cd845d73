// The AI Infra Console SDK: a typed client for /api/v1 (openapi-fetch over the types generated
// from the console's OpenAPI document, ./schema.ts) and a thin layer people script with:
// errors as exceptions with the API's code and request id, 429 answers retried after their
// Retry-After, paging through lists, and waiting for a status. Runs on Node 20+ and in browsers
// (fetch only).
import createClient, { type Client } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };

/** An error answer of the API: its code (NOT_FOUND, NO_CAPACITY ...), message, request id and field issues. */
export class AiInfraError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "AiInfraError";
  }
}

export type ClientOptions = {
  /** The console's address, e.g. https://console.example.com (no /api/v1). */
  baseUrl: string;
  /** A personal API token (Profile → API tokens) or a login token. */
  token?: string | undefined;
  /** 429 answers retried after their Retry-After, this many times (default 3). */
  maxRetries?: number;
  /** Longest wait for one Retry-After, in seconds (default 60). */
  maxRetryAfterSec?: number;
  fetch?: (request: Request) => Promise<Response>;
  userAgent?: string;
  /** Waits (tests). */
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or null. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : null;
}

/** A fetch that retries 429 answers after their Retry-After (bounded), sending the same request again. */
export function retryingFetch(
  base: (request: Request) => Promise<Response>,
  opts: { maxRetries: number; maxRetryAfterSec: number; sleep: (ms: number) => Promise<void> },
): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const res = await base(attempt < opts.maxRetries ? request.clone() : request);
      if (res.status !== 429 || attempt >= opts.maxRetries) return res;
      const wait = Math.min(retryAfterSeconds(res.headers.get("retry-after")) ?? 2 ** attempt, opts.maxRetryAfterSec);
      await res.body?.cancel();
      await opts.sleep(wait * 1000);
    }
  };
}

export type AiInfraClient = Client<paths> & { baseUrl: string };

/** A typed client: `client.GET("/api/v1/instances", { params: { query: { page: 1 } } })`. */
export function createAiInfraClient(opts: ClientOptions): AiInfraClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.userAgent) headers["user-agent"] = opts.userAgent;
  const client = createClient<paths>({
    baseUrl,
    headers,
    fetch: retryingFetch(opts.fetch ?? ((r) => fetch(r)), {
      maxRetries: opts.maxRetries ?? 3,
      maxRetryAfterSec: opts.maxRetryAfterSec ?? 60,
      sleep: opts.sleep ?? defaultSleep,
    }),
  });
  return Object.assign(client, { baseUrl });
}

type ErrorBody = { error?: { code?: string; message?: string; requestId?: string; issues?: { path: string; message: string }[] } };

/**
 * The data of a call, or an AiInfraError: `const me = await unwrap(client.GET("/api/v1/users/me"))`.
 * A 204 answers undefined.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const e = (error ?? {}) as ErrorBody;
  throw new AiInfraError(
    response.status,
    e.error?.code ?? `HTTP_${response.status}`,
    e.error?.message ?? (response.statusText || `HTTP ${response.status}`),
    e.error?.requestId ?? response.headers.get("x-request-id"),
    e.error?.issues ?? [],
  );
}

/** A page of a list endpoint. */
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/**
 * Every item of a paged list, page after page: `for await (const i of paginate((page) =>
 * unwrap(client.GET("/api/v1/instances", { params: { query: { page, pageSize: 100 } } })))) ...`.
 * Stops at the last page (or `limit` items).
 */
export async function* paginate<T>(fetchPage: (page: number) => Promise<Page<T>>, opts: { limit?: number } = {}): AsyncGenerator<T> {
  let given = 0;
  for (let page = 1; ; page++) {
    const p = await fetchPage(page);
    for (const item of p.items) {
      if (opts.limit !== undefined && given >= opts.limit) return;
      given++;
      yield item;
    }
    if (!p.items.length || page * p.pageSize >= p.total) return;
  }
}

export class WaitTimeout extends Error {
  constructor(
    what: string,
    readonly last: unknown,
  ) {
    super(`timed out waiting for ${what}`);
    this.name = "WaitTimeout";
  }
}

/**
 * Polls `get` until `done(value)` (answers the value), `failed(value)` gives a reason (throws
 * it), or the time is up (WaitTimeout with the last value).
 */
export async function waitFor<T>(
  get: () => Promise<T>,
  done: (value: T) => boolean,
  opts: {
    what?: string;
    timeoutMs?: number;
    intervalMs?: number;
    failed?: (value: T) => string | null;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<T> {
  const end = Date.now() + (opts.timeoutMs ?? 300_000);
  const sleep = opts.sleep ?? defaultSleep;
  for (;;) {
    opts.signal?.throwIfAborted();
    const value = await get();
    if (done(value)) return value;
    const why = opts.failed?.(value);
    if (why) throw new Error(why);
    if (Date.now() >= end) throw new WaitTimeout(opts.what ?? "a condition", value);
    await sleep(opts.intervalMs ?? 1000);
  }
}

/** What a GET of `path` answers with 200. */
export type ResponseOf<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { "application/json": infer R } } } } } ? R : never;

/** The JSON body a `method` of `path` takes. */
export type RequestOf<P extends keyof paths, M extends "post" | "put" | "patch"> = paths[P] extends {
  [K in M]: { requestBody?: { content: { "application/json": infer B } } };
}
  ? B
  : never;

export type Instance = ResponseOf<"/api/v1/instances/{id}">;

/**
 * Waits for an instance to reach `status` (one, or any of several: "running", ["stopped",
 * "exited"] ...); an instance that fails or whose container exits instead ends the wait with its
 * reason.
 */
export function waitForInstance(
  client: AiInfraClient,
  id: string,
  status: string | string[],
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Instance> {
  const want = Array.isArray(status) ? status : [status];
  return waitFor(
    () => unwrap(client.GET("/api/v1/instances/{id}", { params: { path: { id } } })),
    (i) => want.includes(i.status),
    {
      ...opts,
      what: `instance ${id} to be ${want.join(" or ")}`,
      failed: (i) => (["failed", "exited"].includes(i.status) ? `instance ${id} is ${i.status}: ${i.statusMessage ?? "no reason given"}` : null),
    },
  );
}
