import "server-only";
import { SignJWT } from "jose";
import { CODECS, codecFor } from "./codecs";
import type { SlurmCodec, SlurmJob, SlurmNode, SlurmPartition, SlurmPing, SlurmSubmit } from "./model";
import { problemsOf } from "./model";
import { isSlurmError, request, type SlurmEndpoint, SlurmError, type SlurmResponse } from "./transport";

// A slurmrestd client: finds the newest API version the server offers that the console
// speaks, then reads and writes through that version's codec. Requests are made as a Slurm
// user: in `token` mode with the stored token (its user, or another user when the token's
// user may act for others: root or SlurmUser); in `key` mode with a short-lived token minted
// for that user from the cluster's HS256 key.

export type SlurmAuth = { mode: "token"; token: string } | { mode: "key"; key: Uint8Array };

export type SlurmClientOptions = {
  endpoint: SlurmEndpoint;
  auth: SlurmAuth;
  /** The user cluster-wide reads are made as (token mode: the token's user). */
  serviceUser: string;
  /** A version found before (skips discovery while it keeps answering). */
  version?: string | null;
  timeoutMs?: number;
};

/** Minted tokens live this long; a new one is made when less than a third is left. */
const TOKEN_LIFESPAN_S = 15 * 60;

export class SlurmClient {
  private codec: SlurmCodec | null;
  private minted = new Map<string, { token: string; until: number }>();

  constructor(private readonly o: SlurmClientOptions) {
    this.codec = o.version ? codecFor(o.version) : null;
  }

  get version(): string | null {
    return this.codec?.version ?? null;
  }

  private async tokenFor(user: string): Promise<string> {
    if (this.o.auth.mode === "token") {
      const exp = tokenExpiry(this.o.auth.token);
      if (exp !== null && exp * 1000 <= Date.now())
        throw new SlurmError("auth", `The cluster's token expired at ${new Date(exp * 1000).toISOString()}: set a new one (scontrol token lifespan=...)`);
      return this.o.auth.token;
    }
    const now = Math.floor(Date.now() / 1000);
    const kept = this.minted.get(user);
    if (kept && kept.until - now > TOKEN_LIFESPAN_S / 3) return kept.token;
    // Slurm's auth/jwt reads the user from `sun` and checks `exp`.
    const token = await new SignJWT({ sun: user })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_LIFESPAN_S)
      .sign(this.o.auth.key);
    this.minted.set(user, { token, until: now + TOKEN_LIFESPAN_S });
    return token;
  }

  private async call(method: "GET" | "POST" | "DELETE", path: string, as: string, body?: unknown, signal?: AbortSignal): Promise<SlurmResponse> {
    const token = await this.tokenFor(as);
    return request(this.o.endpoint, method, path, {
      headers: { "X-SLURM-USER-NAME": as, "X-SLURM-USER-TOKEN": token },
      body,
      timeoutMs: this.o.timeoutMs,
      signal,
    });
  }

  /**
   * The newest version both sides speak, with the controllers' ping. A version the server
   * does not serve answers 404; the first that answers decides.
   */
  async discover(signal?: AbortSignal): Promise<{ version: string; ping: SlurmPing }> {
    let lastStatus: number | null = null;
    for (const codec of CODECS) {
      const res = await this.call("GET", `/slurm/${codec.version}/ping`, this.o.serviceUser, undefined, signal);
      if (res.status === 404) {
        lastStatus = 404;
        continue;
      }
      const doc = this.checked(res, "ping");
      this.codec = codec;
      return { version: codec.version, ping: codec.ping(doc) };
    }
    throw new SlurmError(
      "not_slurm",
      lastStatus === 404
        ? `slurmrestd offers none of the API versions the console speaks (${CODECS.map((c) => c.version).join(", ")}); start it with one of them (-s openapi/v0.0.38 ...)`
        : "The server did not answer as slurmrestd",
    );
  }

  private async ready(signal?: AbortSignal): Promise<SlurmCodec> {
    if (!this.codec) await this.discover(signal);
    return this.codec!;
  }

  /** A document from a GET, as the given user (default: the service user). */
  private async get(path: (v: string) => string, what: string, as = this.o.serviceUser, signal?: AbortSignal): Promise<{ codec: SlurmCodec; doc: unknown }> {
    const codec = await this.ready(signal);
    const res = await this.call("GET", path(codec.version), as, undefined, signal);
    if (res.status === 404 && what !== "job") {
      // The server changed (upgraded Slurm): find the version again, once.
      this.codec = null;
      const again = await this.ready(signal);
      return { codec: again, doc: this.checked(await this.call("GET", path(again.version), as, undefined, signal), what) };
    }
    return { codec, doc: this.checked(res, what) };
  }

  async ping(signal?: AbortSignal): Promise<SlurmPing> {
    const { codec, doc } = await this.get((v) => `/slurm/${v}/ping`, "ping", undefined, signal);
    return codec.ping(doc);
  }

  async jobs(signal?: AbortSignal): Promise<SlurmJob[]> {
    const { codec, doc } = await this.get((v) => `/slurm/${v}/jobs`, "jobs", undefined, signal);
    return codec.jobs(doc);
  }

  /** One job, or null when Slurm no longer knows it. */
  async job(id: number, signal?: AbortSignal): Promise<SlurmJob | null> {
    try {
      const { codec, doc } = await this.get((v) => `/slurm/${v}/job/${id}`, "job", undefined, signal);
      return codec.jobs(doc).find((j) => j.jobId === id) ?? null;
    } catch (err) {
      if (isSlurmError(err) && err.kind === "not_found") return null;
      throw err;
    }
  }

  async nodes(signal?: AbortSignal): Promise<SlurmNode[]> {
    const { codec, doc } = await this.get((v) => `/slurm/${v}/nodes`, "nodes", undefined, signal);
    return codec.nodes(doc);
  }

  async partitions(signal?: AbortSignal): Promise<SlurmPartition[]> {
    const { codec, doc } = await this.get((v) => `/slurm/${v}/partitions`, "partitions", undefined, signal);
    return codec.partitions(doc);
  }

  /** Submits a batch job as `user`: Slurm's job id. */
  async submit(s: SlurmSubmit, user: string, signal?: AbortSignal): Promise<number> {
    const codec = await this.ready(signal);
    const doc = this.checked(await this.call("POST", `/slurm/${codec.version}/job/submit`, user, codec.submitBody(s), signal), "submit");
    const id = codec.submitted(doc);
    if (id === null) throw new SlurmError("api", "Slurm did not say which job it made");
    return id;
  }

  /** Cancels a job as `user` (a job that already ended is not an error). */
  async cancel(id: number, user: string, signal?: AbortSignal): Promise<void> {
    const codec = await this.ready(signal);
    const res = await this.call("DELETE", `/slurm/${codec.version}/job/${id}`, user, undefined, signal);
    try {
      this.checked(res, "cancel");
    } catch (err) {
      // Already finished or gone: nothing left to cancel.
      if (isSlurmError(err) && (err.kind === "not_found" || /already completing or completed|Job\/step already completing/i.test(err.message))) return;
      throw err;
    }
  }

  /** The document of a successful answer; otherwise a SlurmError saying what went wrong. */
  private checked(res: SlurmResponse, what: string): unknown {
    const { status, doc } = res;
    const notJson = doc !== null && typeof doc === "object" && "__text" in (doc as object);
    const { errors } = problemsOf(doc);
    const said = errors.join("; ");
    // 24.11 and later answer a token they cannot verify with 511.
    if (status === 511) throw new SlurmError("auth", `Slurm refused the credentials${said ? `: ${said}` : ""}`, status);
    if (status === 401 || status === 403)
      throw new SlurmError("auth", "slurmrestd refused the credentials (HTTP 401: a token and a user name are both needed)", status);
    if (notJson) throw new SlurmError("not_slurm", `The server did not answer as slurmrestd (HTTP ${status}, not JSON)`, status);
    if (status >= 200 && status < 300 && errors.length === 0) return doc;
    if (AUTH_FAILURE.test(said)) throw new SlurmError("auth", `Slurm refused the credentials: ${said}`, status);
    if (status === 500 && unspecified(doc)) {
      // slurmrestd 22.05 (v0.0.38) answers a token slurmctld cannot verify (wrong key, expired,
      // another user's) and an unanswering slurmctld alike: 500, "Unspecified error". Only the
      // time tells them apart: slurmctld's timeout makes the second take seconds.
      if (res.ms >= SLOW_MS) throw new SlurmError("api", `slurmctld is not answering (slurmrestd waited ${Math.round(res.ms / 1000)} s: ${said})`, status);
      throw new SlurmError(
        "auth",
        "Slurm refused the credentials: the token was not accepted (wrong key or token, expired, or not valid for this user)",
        status,
      );
    }
    if (NOT_FOUND.test(said) || (what === "job" && status === 404))
      throw new SlurmError("not_found", `Slurm does not know that job${said ? ` (${said})` : ""}`, status);
    if (errors.length) throw new SlurmError("api", `Slurm refused the ${what}: ${said}`, status);
    throw new SlurmError("api", `slurmrestd answered the ${what} with HTTP ${status}`, status);
  }
}

/** 22.05's catch-all failure: every error "Unspecified error" with error_number -1. */
function unspecified(doc: unknown): boolean {
  const errors = (doc as { errors?: { error?: unknown; error_number?: unknown }[] } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e?.error_number === -1 && e?.error === "Unspecified error");
}

/** slurmctld's message timeout is seconds long; a refused token is answered at once. */
const SLOW_MS = 4_000;

const AUTH_FAILURE =
  /authentication|auth failure|invalid (jwt|token)|token (expired|invalid)|Protocol authentication error|Unable to authenticate|Access denied|unauthorized/i;
const NOT_FOUND = /Invalid job id|Unknown job|job not found|does not exist/i;

/** A JWT's `exp` (seconds), read without verifying it; null when absent or unreadable. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp : null;
  } catch {
    return null;
  }
}

export { isSlurmError, SlurmError };
