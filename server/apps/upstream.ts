import "server-only";
import { Agent } from "node:http";
import { Duplex } from "node:stream";
import type { Process, Runtime } from "../adapters/runtime";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { AppError, notFound, ref, stateWord } from "../http/errors";
import { nodeOf, runtimeOf } from "../instances/engine";
import { findInstance } from "../instances/instances.repo";
import { containerName } from "../instances/workload";
import { ensureTools, relayCommand } from "../realtime/ssh/tools";
import { appOn, type InstanceApp } from "./apps";

// How the proxy reaches an app: each TCP connection is a relay to the port on the container's
// own loopback, run inside the container through the engine's exec (the jump host's -L
// forwards do the same), so local and remote engines behave alike, apps bound to 127.0.0.1
// (JupyterLab as the console starts it) are reached, and nothing else on the node is.
// Connections are kept alive and reused per instance and port: one exec serves many requests.

/** An exec'd relay as the socket of an HTTP connection. */
class ExecSocket extends Duplex {
  timeout = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly proc: Process) {
    super({ allowHalfOpen: false });
    proc.stdout.on("data", (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) proc.stdout.pause();
    });
    proc.stdout.once("end", () => this.push(null));
    proc.stdout.once("error", (err: Error) => this.destroy(err));
    proc.stdin.once("error", (err: Error) => this.destroy(err));
    proc.stderr.resume();
  }

  override _read(): void {
    this.proc.stdout.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.touch();
    if (this.proc.stdin.write(chunk)) done();
    else this.proc.stdin.once("drain", () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.proc.stdin.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.proc.stdin.destroy();
    void this.proc.kill().catch(() => undefined);
    done(err);
  }

  /** As net.Socket's: 'timeout' after `ms` without traffic (the agent closes idle kept-alive connections with it). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.timeout = ms;
    // As net.Socket: a callback with 0 is taken off again (the HTTP client does so on each reuse).
    if (onTimeout) {
      if (ms === 0) this.removeListener("timeout", onTimeout);
      else this.once("timeout", onTimeout);
    }
    this.touch();
    return this;
  }

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.timeout > 0 && !this.destroyed ? setTimeout(() => this.emit("timeout"), this.timeout) : null;
    this.timer?.unref();
  }

  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** An HTTP agent whose connections are relays into one container's port. */
class RelayAgent extends Agent {
  constructor(private readonly open: () => Promise<Process>) {
    // Idle connections (each a process in the container) close after 30 s.
    super({ keepAlive: true, maxSockets: 32, maxFreeSockets: 8, timeout: 30_000 });
  }

  override createConnection(_options: unknown, done?: (err: Error | null, socket: Duplex) => void): undefined {
    this.open().then(
      (proc) => done?.(null, new ExecSocket(proc)),
      (err: unknown) => done?.(err instanceof Error ? err : new Error(String(err)), undefined as never),
    );
    return undefined;
  }
}

export type Upstream = {
  instanceId: string;
  port: number;
  ownerId: string;
  app: InstanceApp;
  agent: Agent;
  /** Open websockets, ended when access ends. */
  sockets: Set<Duplex>;
  checkedAt: number;
  rt: Runtime;
  containerId: string;
};

const upstreams = new Map<string, Upstream>();
/** How long an instance's state is taken as read (its owner, running, its container). */
const RECHECK_MS = 5_000;
const MAX_UPSTREAMS = 2_000;
const MAX_UPSTREAMS_PER_OWNER = 64;

async function load(instanceId: string, port: number, previous?: Upstream): Promise<Upstream> {
  const row = await findInstance(instanceId);
  if (!row || row.jobRunId || row.status === "deleted") throw notFound("Instance");
  if (row.status !== "running") throw new AppError("INVALID_STATE", ref("serverMessages.instance.startFirst", { status: stateWord(row.status) }));
  const rt = runtimeOf(await nodeOf(row));
  const state = await rt.inspect(containerName(instanceId));
  if (!state?.running) throw new AppError("INVALID_STATE", ref("serverMessages.instance.containerNotRunning"));
  if (previous && previous.containerId === state.id && previous.ownerId === row.userId) {
    return Object.assign(previous, { checkedAt: Date.now(), app: appOn(row.apps, port), rt });
  }
  previous?.agent.destroy();
  const containerId = state.id;
  const agent = new RelayAgent(async () => {
    await ensureTools(rt, containerId);
    return rt.startProcess(containerId, { argv: relayCommand("127.0.0.1", port) });
  });
  return {
    instanceId,
    port,
    ownerId: row.userId,
    app: appOn(row.apps, port),
    agent,
    sockets: previous?.sockets ?? new Set(),
    checkedAt: Date.now(),
    rt,
    containerId,
  };
}

/** Makes room: forgets the least recently used app without open websockets (its idle connections close). */
function evictIdle(among: (u: Upstream) => boolean = () => true): void {
  for (const [key, u] of upstreams) {
    if (u.sockets.size || !among(u)) continue;
    upstreams.delete(key);
    u.agent.destroy();
    return;
  }
  throw new AppError("RATE_LIMITED", "Too many apps are open through the console right now; try again shortly");
}

/** Forgets an app's connections (the instance stopped, or is gone). */
function drop(key: string): void {
  const u = upstreams.get(key);
  if (!u) return;
  upstreams.delete(key);
  u.agent.destroy();
  for (const s of u.sockets) s.destroy();
}

/**
 * The way to the caller's app on `port` of an instance: the owner's or, for an
 * administrator, anyone's. 404 for others; INVALID_STATE when it is not running.
 */
export async function upstreamFor(p: Principal, instanceId: string, port: number): Promise<Upstream> {
  const key = `${instanceId}:${port}`;
  let u = upstreams.get(key);
  if (!u || Date.now() - u.checkedAt > RECHECK_MS) {
    try {
      const fresh = await load(instanceId, port, u);
      if (!upstreams.has(key)) {
        // One owner's many ports cannot crowd out everyone else's apps.
        const owners = [...upstreams.values()].filter((x) => x.ownerId === fresh.ownerId).length;
        if (owners >= MAX_UPSTREAMS_PER_OWNER) evictIdle((x) => x.ownerId === fresh.ownerId);
        else if (upstreams.size >= MAX_UPSTREAMS) evictIdle();
      }
      u = fresh;
    } catch (err) {
      drop(key);
      throw err;
    }
  }
  // Most recently used last: the least recently used idle one goes first.
  upstreams.delete(key);
  upstreams.set(key, u);
  if (u.ownerId !== p.userId && !isAdmin(p)) throw notFound("Instance");
  return u;
}

/** Ends every app connection (the console is stopping). */
export function closeUpstreams(): void {
  for (const key of [...upstreams.keys()]) drop(key);
}
