import "server-only";
import { StringDecoder } from "node:string_decoder";
import { PID_MARKER } from "../adapters/exec";
import { RuntimeError, type Shell } from "../adapters/runtime";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { on } from "../events";
import { AppError, ref } from "../http/errors";
import { runningWorkload } from "../instances/stats";
import { audited, auditNote } from "../audit/audit.service";
import { logger } from "../logger";
import { getSettings } from "../settings/settings.service";
import { countSessions } from "../metrics/exporter";
import { processSingleton } from "../singleton";
import { RingBuffer } from "./ring";
import * as repo from "./terminals.repo";

// Web terminal sessions: a `docker exec` shell per session, outliving its browser connection
// for a grace period so a reload or network blip reattaches to the same shell with its recent
// output replayed. Output is flow-controlled: the browser acknowledges what xterm has
// written; past a high-water mark of unacknowledged bytes the exec stream is paused, so a
// flood neither freezes the tab nor grows server memory (the ring buffer is bounded).

/** Unacknowledged bytes in flight to the browser before the shell's output is paused. */
export const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;
/** Replay and output are sent in pieces of at most this many bytes. */
const CHUNK = 32 * 1024;

/** What a session needs from the browser side: one attached socket at a time. */
export type Client = {
  send: (data: string, ack: () => void) => void;
  exit: (info: { code: number | null; reason: string }) => void;
};

export type OpenRequest = { instanceId: string; cols: number; rows: number; sessionId?: string };

/** Limits of a registry's sessions; from the environment unless given (tests shorten them). */
/** `maxPerUser`: the maxTerminalsPerUser setting (read at each open) unless given. */
export type Limits = { graceMs: number; idleMs: number; maxPerUser?: number; bufferBytes: number };

function limitsFromEnv(): Limits {
  const e = env();
  return {
    graceMs: e.TERMINAL_GRACE_SEC * 1000,
    idleMs: e.TERMINAL_IDLE_SEC * 1000,
    bufferBytes: e.TERMINAL_BUFFER_KB * 1024,
  };
}

export class TerminalSession {
  readonly id: string;
  readonly userId: string;
  /** The credential it was opened with (API token or signed-in session): revoking it ends the terminal. */
  readonly credentialId: string | undefined;
  readonly instanceId: string;
  private client: Client | null = null;
  private readonly ring: RingBuffer;
  private readonly decoder = new StringDecoder("utf8");
  private pending = 0;
  private paused = false;
  private pid: number | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private ended = false;
  /** When the browser went away (for choosing which waiting session to end first). */
  detachedAt = 0;

  constructor(
    id: string,
    p: Principal,
    instanceId: string,
    private readonly shell: Shell,
    private readonly onEnd: (s: TerminalSession) => void,
    private readonly limits: Limits,
  ) {
    this.id = id;
    this.ring = new RingBuffer(limits.bufferBytes);
    this.userId = p.userId;
    this.credentialId = p.credentialId;
    this.instanceId = instanceId;
    shell.stream.on("data", (chunk: Buffer) => this.output(chunk));
    shell.stream.on("end", () => void this.finish("exited"));
    shell.stream.on("close", () => void this.finish("exited"));
    shell.stream.on("error", (err: Error) => {
      logger.warn({ err: err.message, session: this.id }, "terminal stream failed");
      void this.finish("exited");
    });
    this.touch();
  }

  /** Bytes held for this session: the ring buffer and what is in flight. */
  get bufferedBytes(): number {
    return this.ring.length + this.pending;
  }

  get attached(): boolean {
    return this.client !== null;
  }

  private output(raw: Buffer): void {
    let chunk = raw;
    if (this.pid === null) {
      const text = chunk.toString("latin1");
      const m = PID_MARKER.exec(text);
      if (m) {
        this.pid = Number(m[1]);
        chunk = Buffer.from(text.replace(PID_MARKER, ""), "latin1");
      }
    }
    if (!chunk.length) return;
    this.ring.push(chunk);
    if (this.client) this.deliver(this.decoder.write(chunk));
  }

  private deliver(text: string): void {
    const client = this.client;
    if (!client || !text) return;
    for (let at = 0; at < text.length; at += CHUNK) {
      const piece = text.slice(at, at + CHUNK);
      const bytes = Buffer.byteLength(piece);
      this.pending += bytes;
      let acked = false;
      client.send(piece, () => {
        if (acked || this.client !== client) return;
        acked = true;
        this.pending -= bytes;
        if (this.paused && this.pending <= LOW_WATER) {
          this.paused = false;
          this.shell.stream.resume();
        }
      });
    }
    if (!this.paused && this.pending > HIGH_WATER) {
      this.paused = true;
      this.shell.stream.pause();
    }
  }

  /** Attaches a browser (replacing any other) and replays the recent output. */
  attach(client: Client): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.client = client;
    this.pending = 0;
    const replay = this.ring.contents().toString("utf8");
    this.deliver(replay);
    if (this.paused && this.pending <= LOW_WATER) {
      this.paused = false;
      this.shell.stream.resume();
    }
  }

  /** The browser went away: keep the shell for the grace period, reading into the ring. */
  detach(client: Client): void {
    if (this.client !== client || this.ended) return;
    this.client = null;
    this.detachedAt = Date.now();
    this.pending = 0;
    if (this.paused) {
      this.paused = false;
      this.shell.stream.resume();
    }
    this.graceTimer = setTimeout(() => void this.finish("grace-expired"), this.limits.graceMs);
    this.graceTimer.unref();
  }

  isAttachedTo(client: Client): boolean {
    return this.client === client;
  }

  write(data: string): void {
    if (this.ended) return;
    this.touch();
    this.shell.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.shell.resize(cols, rows);
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.finish("idle"), this.limits.idleMs);
    this.idleTimer.unref();
  }

  /** Ends the shell (when it is still running) and the session, once. */
  async finish(reason: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onEnd(this);
    let code: number | null = null;
    if (reason !== "exited" && this.pid !== null) {
      await this.shell.kill(this.pid).catch((err: unknown) => logger.warn({ err: (err as Error).message, session: this.id }, "terminal kill failed"));
    }
    this.shell.stream.destroy();
    code = await this.shell.exitCode().catch(() => null);
    this.client?.exit({ code, reason });
    this.client = null;
    await repo.recordEnd(this.id, reason).catch((err: unknown) => logger.error({ err, session: this.id }, "terminal end not recorded"));
    logger.info({ session: this.id, userId: this.userId, instanceId: this.instanceId, reason, code }, "terminal ended");
  }
}

/** The sessions of this process. */
export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly limits: Limits;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...limitsFromEnv(), ...limits };
    on("user.sessionsRevoked", ({ userId }) => {
      for (const s of this.sessions.values()) if (s.userId === userId) void s.finish("revoked");
    });
    on("credential.revoked", ({ credentialId }) => {
      for (const s of this.sessions.values()) if (s.credentialId === credentialId) void s.finish("revoked");
    });
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** Bytes buffered across all sessions (for tests and metrics). */
  bufferedBytes(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.bufferedBytes;
    return n;
  }

  /**
   * Reattaches to the caller's session `sessionId` when it is still alive, or opens a new
   * shell in the caller's running instance. Another user's instance is "not found".
   */
  async open(p: Principal, req: OpenRequest, client: Client): Promise<TerminalSession> {
    if (req.sessionId) {
      const s = this.sessions.get(req.sessionId);
      if (s && s.instanceId === req.instanceId && (s.userId === p.userId || isAdmin(p))) {
        s.attach(client);
        await s.resize(req.cols, req.rows).catch(() => undefined);
        auditNote({ detail: { sessionId: s.id, reattached: true } });
        return s;
      }
    }
    const { rt, name } = await runningWorkload(p, req.instanceId);
    const mine = [...this.sessions.values()].filter((s) => s.userId === p.userId);
    const max = this.limits.maxPerUser ?? (await getSettings()).maxTerminalsPerUser;
    if (mine.length >= max) {
      // Sessions waiting for a reconnect (closed tabs) make room for a new one; only
      // terminals someone is looking at count against the limit.
      const waiting = mine.filter((s) => !s.attached).sort((a, b) => a.detachedAt - b.detachedAt)[0];
      if (!waiting) throw new AppError("LIMIT_REACHED", ref("serverMessages.limits.terminals", { count: mine.length, max }));
      await waiting.finish("replaced");
    }
    let shell: Shell;
    try {
      shell = await rt.openShell(name, req);
    } catch (err) {
      throw new AppError("ENGINE_ERROR", `Could not open a shell: ${err instanceof RuntimeError ? err.message : "the engine gave no reason"}`);
    }
    // The session's record and its audit event, once there is a shell.
    const id = await audited(async () => {
      const made = await repo.recordStart(p.userId, req.instanceId);
      auditNote({ detail: { sessionId: made } });
      return made;
    }).catch(async (err: unknown) => {
      shell.stream.destroy();
      throw err;
    });
    const session = new TerminalSession(id, p, req.instanceId, shell, (s) => this.sessions.delete(s.id), this.limits);
    this.sessions.set(id, session);
    session.attach(client);
    logger.info({ session: id, userId: p.userId, instanceId: req.instanceId }, "terminal opened");
    return session;
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.finish(reason)));
  }
}

export function terminals(): TerminalRegistry {
  return processSingleton("terminals", () => {
    const registry = new TerminalRegistry();
    countSessions("terminal", () => registry.size);
    return registry;
  });
}
