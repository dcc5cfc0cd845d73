import "server-only";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";

// HTTP to slurmrestd, over TCP (http/https) or its unix socket. Answers are JSON documents,
// read up to a cap; every failure to get one becomes a SlurmError saying which kind it is,
// in a fixed sentence (another service's reply is never repeated).

export type SlurmEndpoint = { kind: "tcp"; base: URL; ca: string | null } | { kind: "unix"; socketPath: string };

export type SlurmErrorKind =
  /** Nothing answered (refused, timed out, name unknown, TLS failed). */
  | "unreachable"
  /** Something answered, but not as slurmrestd does. */
  | "not_slurm"
  /** slurmrestd refused the credentials. */
  | "auth"
  /** slurmrestd answered with errors (a rejected submission, an unknown job). */
  | "api"
  /** The requested thing does not exist (an unknown job id). */
  | "not_found";

export class SlurmError extends Error {
  constructor(
    readonly kind: SlurmErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "SlurmError";
  }
}

/**
 * Whether `err` is a SlurmError, from either bundle of the process (Next's and the server's
 * each have their own copy of this class, and clients are shared between them).
 */
export function isSlurmError(err: unknown): err is SlurmError {
  return err instanceof Error && err.name === "SlurmError" && typeof (err as { kind?: unknown }).kind === "string";
}

/** http(s)://host:port[/prefix], or an absolute path to a unix socket. */
export function parseEndpoint(url: string, ca: string | null = null): SlurmEndpoint | null {
  if (url.startsWith("/")) return /^\/[^\0\s]*$/.test(url) ? { kind: "unix", socketPath: url } : null;
  try {
    const u = new URL(url);
    if ((u.protocol !== "http:" && u.protocol !== "https:") || !u.hostname || u.username || u.password || u.search || u.hash) return null;
    return { kind: "tcp", base: u, ca };
  } catch {
    return null;
  }
}

/** An answer: its status, its document, and how long it took (ms). */
export type SlurmResponse = { status: number; doc: unknown; ms: number };

const MAX_BYTES = 128 * 1024 * 1024;

export function request(
  ep: SlurmEndpoint,
  method: "GET" | "POST" | "DELETE",
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SlurmResponse> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (payload) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  // slurmctld that does not answer keeps slurmrestd waiting 9-18 s before it says so.
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const t0 = Date.now();
  return new Promise<SlurmResponse>((resolveOuter, rejectOuter) => {
    let resolve = resolveOuter;
    let reject: (err: unknown) => void = rejectOuter;
    let req: http.ClientRequest;
    const fail = (err: SlurmError) => {
      req?.destroy();
      reject(err);
    };
    // The whole exchange within timeoutMs (a server that drips bytes is cut off too).
    const deadline = setTimeout(() => fail(new SlurmError("unreachable", `slurmrestd did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    deadline.unref();
    const settle =
      <T>(f: (v: T) => void) =>
      (v: T) => {
        clearTimeout(deadline);
        f(v);
      };
    resolve = settle(resolve);
    reject = settle(reject);
    if (ep.kind === "unix") {
      req = http.request({ socketPath: ep.socketPath, path, method, headers, timeout: timeoutMs, signal: opts.signal });
    } else {
      const prefix = ep.base.pathname.replace(/\/+$/, "");
      const lib = ep.base.protocol === "https:" ? https : http;
      req = lib.request({
        host: ep.base.hostname.replace(/^\[|\]$/g, ""),
        port: ep.base.port || (ep.base.protocol === "https:" ? 443 : 80),
        path: `${prefix}${path}`,
        method,
        headers,
        timeout: timeoutMs,
        signal: opts.signal,
        // A CA of the cluster's is trusted besides the system's.
        ...(ep.base.protocol === "https:" && ep.ca ? { ca: [...tls.rootCertificates, ep.ca] } : {}),
      });
    }
    req.on("timeout", () => fail(new SlurmError("unreachable", `slurmrestd did not answer within ${timeoutMs / 1000} s`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return reject(err);
      reject(new SlurmError("unreachable", describe(err)));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) fail(new SlurmError("not_slurm", `slurmrestd's answer exceeded ${MAX_BYTES >> 20} MiB`));
        else chunks.push(c);
      });
      res.on("error", () => reject(new SlurmError("unreachable", "The connection to slurmrestd broke during the answer")));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString("utf8");
        let doc: unknown = null;
        try {
          doc = text.trim() === "" ? null : JSON.parse(text);
        } catch {
          // Releases before 24.05.4 could print bare Infinity/NaN numbers: read them as null.
          try {
            doc = JSON.parse(text.replace(/(:\s*|\[\s*|,\s*)-?(?:Infinity|NaN)(?=\s*[,}\]])/g, "$1null"));
          } catch {
            doc = undefined;
          }
        }
        resolve({ status, doc: doc === undefined ? { __text: text.slice(0, 2000) } : doc, ms: Date.now() - t0 });
      });
    });
    if (payload) req.end(payload);
    else req.end();
  });
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "Connection refused: is slurmrestd listening there?";
    case "ENOENT":
      return "No such socket: is slurmrestd listening on that path?";
    case "EACCES":
      return "The console may not open that socket (permissions)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "The host name does not resolve";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "The host cannot be reached";
    case "ECONNRESET":
      return "The connection was reset";
    default:
      if (/certificate|self.signed|SSL|TLS/i.test(`${err.code} ${err.message}`)) return "The TLS certificate was not accepted (set the CA certificate)";
      return "The connection to slurmrestd failed";
  }
}
