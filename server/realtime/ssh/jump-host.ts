import "server-only";
import { randomUUID } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";
import ssh2, { type AuthContext, type Connection, type ServerChannel, type Session } from "ssh2";
import type { Process, Runtime } from "../../adapters/runtime";
import { recordAudit } from "../../audit/audit.service";
import type { Principal } from "../../auth/principal";
import { env } from "../../env";
import { on } from "../../events";
import { AppError, ref } from "../../http/errors";
import { limiter } from "../../http/rate-limit";
import { findInstance } from "../../instances/instances.repo";
import { runningWorkload } from "../../instances/stats";
import { logger } from "../../logger";
import { countSessions } from "../../metrics/exporter";
import { getSettings } from "../../settings/settings.service";
import { hostKey } from "../../ssh/host-key";
import { keyExists, touchUsed } from "../../ssh/keys.repo";
import { findAuthState } from "../../users/users.repo";
import { type KeyHolder, keyHolder, resolveTarget, signatureValid, type Target } from "./auth";
import { ensureTools, relayCommand, SFTP_COMMAND, TOOLS_PATH } from "./tools";

// The SSH jump host: `ssh -p 2026 <instance>.<owner>@console` reaches a shell, commands,
// sftp/scp/rsync and -L forwards in the instance's container through `docker exec`, so an
// image needs no sshd. Public keys only, each signature verified; connections counted per
// client address like sign-ins. Remote, agent and X11 forwarding refused.

/** Unauthenticated connections are closed after this long (sshd's LoginGraceTime). */
const LOGIN_GRACE_MS = 30_000;
/** Connections still signing in, at most (sshd's MaxStartups), and per client address. */
const MAX_UNAUTHENTICATED = 100;
const MAX_UNAUTHENTICATED_PER_IP = 10;
/** Authentication attempts per connection (sshd's MaxAuthTries is 6; agents hold several keys). */
const MAX_AUTH_TRIES = 10;
/** Open channels per connection: sessions (sshd's MaxSessions) and forwards. */
const MAX_SESSIONS = 10;
const MAX_FORWARDS = 64;
/** A signed-in connection that can open nothing is closed after this long. */
const REFUSED_MS = 10_000;
/** Environment a client may set (sshd's usual AcceptEnv), and how much of it. */
const ACCEPTED_ENV = /^(LANG|LC_[A-Z_]{1,32}|TZ|COLORTERM|TERM_PROGRAM(_VERSION)?)$/;
const MAX_ENV = 32;
/** Key exchange without the costly big Diffie-Hellman groups; no compression (it would run on the console's event loop). */
const ALGORITHMS: ssh2.Algorithms = {
  kex: ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group14-sha256"],
  compress: ["none"],
};

type Workload = { rt: Runtime; containerId: string; instanceId: string };
type SignedIn = { holder: KeyHolder; target: Extract<Target, { kind: "instance" }> };

type Live = {
  id: string;
  client: Connection;
  socket: Socket | undefined;
  principal: Principal;
  keyId: string;
  instanceId: string;
  ip: string;
  openedAt: number;
  lastActivity: number;
  channels: number;
  sessions: number;
  forwards: number;
  processes: Set<Process>;
  ended: boolean;
};

/** A TCP connection not signed in yet. */
type Pending = { socket: Socket; ip: string; settle: () => void };

/** The login shell: bash when the image has it, as for a user whose shell is bash. */
function shellArgv(command: string | null): string[] {
  const path = `PATH="$PATH:${TOOLS_PATH}"; export PATH; `;
  if (command === null) return ["/bin/sh", "-c", `${path}if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi`];
  return ["/bin/sh", "-c", `${path}if command -v bash >/dev/null 2>&1; then exec bash -c "$0"; else exec sh -c "$0"; fi`, command];
}

/** Commands that may need the tools the console brings (the image may lack them). */
const NEEDS_TOOLS = /^\s*(rsync|scp|sftp-server)(\s|$)/;

const isLoopback = (host: string) => ["localhost", "127.0.0.1", "::1", "0.0.0.0", "ip6-localhost"].includes(host);

export class JumpHost {
  private readonly server: ssh2.Server;
  private readonly live = new Map<string, Live>();
  private readonly unsubscribe: (() => void)[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private lastRecheck = 0;
  private readonly tcp = createServer((socket) => void this.accept(socket));
  private readonly sockets = new Set<Socket>();
  /** Connections signing in, by client address and port. */
  private readonly pending = new Map<string, Pending>();
  /** Connections of each user between their sign-in and their entry in `live` (the session limit counts them). */
  private readonly opening = new Map<string, number>();

  /** Options replace the idle setting, the 5 s sweep and the sign-in limits (tests shorten them). */
  constructor(private readonly opts: { idleMs?: number; sweepMs?: number; loginGraceMs?: number; maxUnauthenticated?: number } = {}) {
    this.server = new ssh2.Server({ hostKeys: [hostKey().privateKey], ident: "AIInfraConsole", algorithms: ALGORITHMS }, (client, info) =>
      this.onConnection(client, info.ip, info.port),
    );
    this.tcp.on("error", (err) => logger.error({ err: err.message }, "ssh jump host socket error"));
    this.unsubscribe.push(
      on("sshKey.deleted", ({ keyId }) => this.endWhere((c) => c.keyId === keyId, "key deleted")),
      on("user.sessionsRevoked", ({ userId }) => void this.recheck((c) => c.principal.userId === userId)),
      on("instance.status", ({ instanceId, status }) => {
        if (status !== "running") this.endWhere((c) => c.instanceId === instanceId, `instance ${status}`);
      }),
    );
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once("error", reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off("error", reject);
        resolve((this.tcp.address() as AddressInfo).port);
      });
      this.sweeper = setInterval(() => void this.sweep(), this.opts.sweepMs ?? 5_000);
      this.sweeper.unref();
    });
  }

  get connections(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    if (this.sweeper) clearInterval(this.sweeper);
    const kills = [...this.live.values()].flatMap((c) => this.end(c, "console stopping"));
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    // The commands are sent SIGHUP before the process goes (at most a few seconds).
    await Promise.race([Promise.allSettled(kills), new Promise((r) => setTimeout(r, 3_000))]);
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private endWhere(match: (c: Live) => boolean, reason: string): void {
    for (const c of this.live.values()) if (match(c)) this.end(c, reason);
  }

  /** Ends a connection: its commands are sent SIGHUP, and a client that ignores the disconnect is cut off. */
  private end(c: Live, reason: string): Promise<void>[] {
    if (c.ended) return [];
    c.ended = true;
    this.live.delete(c.id);
    const kills = [...c.processes].map((p) => p.kill().catch(() => undefined));
    c.processes.clear();
    c.client.end();
    const socket = c.socket;
    if (socket) setTimeout(() => socket.destroy(), 1_000).unref();
    logger.info({ connection: c.id, userId: c.principal.userId, instanceId: c.instanceId, reason }, "ssh connection ended");
    void recordAudit({
      actor: { type: "user", id: c.principal.userId, name: c.principal.username },
      action: "ssh.session.close",
      target: { type: "instance", id: c.instanceId },
      detail: { reason, channels: c.channels, seconds: Math.round((Date.now() - c.openedAt) / 1000) },
      ip: c.ip,
    });
    return kills;
  }

  /** Idle connections end; every 30 s each connection's right to its instance is checked again. */
  private async sweep(): Promise<void> {
    const idleMs = this.opts.idleMs ?? (await getSettings().catch(() => ({ sshIdleTimeoutSeconds: env().SSH_IDLE_TIMEOUT_SEC }))).sshIdleTimeoutSeconds * 1000;
    const now = Date.now();
    this.endWhere((c) => now - c.lastActivity > idleMs, "idle");
    if (now - this.lastRecheck >= 30_000) {
      this.lastRecheck = now;
      await this.recheck(() => true);
    }
  }

  /** Ends connections whose user, key or instance no longer allows them. */
  private async recheck(match: (c: Live) => boolean): Promise<void> {
    for (const c of [...this.live.values()].filter(match)) {
      try {
        const [user, key, instance] = await Promise.all([findAuthState(c.principal.userId), keyExists(c.keyId), findInstance(c.instanceId)]);
        if (!user?.isActive) this.end(c, "account deactivated");
        else if (!key) this.end(c, "key deleted");
        else if (instance?.status !== "running") this.end(c, `instance ${instance?.status ?? "deleted"}`);
        else if (instance.userId !== user.id && user.role !== "admin") this.end(c, "no longer allowed");
      } catch (err) {
        logger.warn({ err: (err as Error).message, connection: c.id }, "ssh connection check failed");
      }
    }
  }

  /**
   * Every TCP connection is counted from its accept until it signs in (or goes): an address
   * over its failure budget is dropped before any key exchange, as are connections past
   * `maxUnauthenticated` (10 per address), and one not signed in after the login grace time
   * is closed, even one that never sends a byte (sshd's MaxStartups and LoginGraceTime).
   * Each connection takes a point of the address's budget, given back when it signs in.
   */
  private async accept(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    const ip = socket.remoteAddress ?? "";
    const key = `${ip}:${socket.remotePort}`;
    const fromIp = [...this.pending.values()].filter((p) => p.ip === ip).length;
    if (this.pending.size >= (this.opts.maxUnauthenticated ?? MAX_UNAUTHENTICATED) || fromIp >= MAX_UNAUTHENTICATED_PER_IP) {
      logger.warn({ ip }, "ssh connection dropped: too many connections signing in");
      socket.destroy();
      return;
    }
    let counted = true;
    const timer = setTimeout(() => socket.destroy(), this.opts.loginGraceMs ?? LOGIN_GRACE_MS);
    const settle = () => {
      if (!counted) return;
      counted = false;
      clearTimeout(timer);
      this.pending.delete(key);
    };
    this.pending.set(key, { socket, ip, settle });
    socket.once("close", settle);
    try {
      await limiter("ssh-ip").consume(ip);
    } catch {
      logger.warn({ ip }, "ssh connection refused: too many failed connections from this address");
      socket.destroy();
      return;
    }
    if (!socket.destroyed) this.server.injectSocket(socket);
  }

  private onConnection(client: Connection, ip: string, port: number): void {
    client.on("error", (err) => logger.debug({ err: err.message, ip }, "ssh client error"));
    const peer = this.pending.get(`${ip}:${port}`);
    let signedIn: SignedIn | null = null;
    let tries = 0;
    client.on("authentication", (ctx) => {
      if (++tries > MAX_AUTH_TRIES) {
        ctx.reject(["publickey"]);
        client.end();
        return;
      }
      void this.authenticate(ctx, ip).then(
        (result) => {
          if (result === "reject") return ctx.reject(["publickey"]);
          if (result === "query-ok") return ctx.accept();
          signedIn = result;
          ctx.accept();
        },
        (err: unknown) => {
          logger.error({ err, ip }, "ssh authentication failed unexpectedly");
          ctx.reject(["publickey"]);
        },
      );
    });
    client.on("ready", () => {
      peer?.settle();
      if (!signedIn) return client.end();
      void limiter("ssh-ip")
        .reward(ip, 1)
        .catch(() => undefined);
      this.onReady(client, peer?.socket, ip, signedIn);
    });
  }

  /**
   * "reject", "query-ok" (the key is registered: PK_OK, the client signs next) or who signed
   * in. Which instance the login names is looked at only after a valid signature, so a probe
   * with somebody's public key learns nothing about accounts or instances.
   */
  private async authenticate(ctx: AuthContext, ip: string): Promise<"reject" | "query-ok" | SignedIn> {
    // Passwords and keyboard-interactive are never accepted.
    if (ctx.method !== "publickey") return "reject";
    const holder = await keyHolder(ctx.key.data);
    if (!holder) return "reject";
    if (!ctx.signature) return "query-ok";
    if (!signatureValid(holder, ctx.blob, ctx.signature, ctx.hashAlgo)) {
      // A signature cannot be guessed: a bad one is an attack on this address's budget, not a locked account.
      await limiter("ssh-ip")
        .consume(ip)
        .catch(() => undefined);
      await recordAudit({
        actor: { type: "user", id: holder.userId, name: holder.username },
        action: "ssh.login",
        result: "failure",
        reason: "INVALID_CREDENTIALS",
        detail: { why: "bad signature", keyId: holder.keyId },
        ip,
      });
      return "reject";
    }
    const target = await resolveTarget(ctx.username, holder);
    if (target.kind === "refused") return "reject";
    return { holder, target };
  }

  /** Listeners go on at once (a client asks for its channel straight away); they wait for the instance to be resolved. */
  private onReady(client: Connection, socket: Socket | undefined, ip: string, { holder, target }: SignedIn): void {
    let closed = false;
    client.once("close", () => {
      closed = true;
    });
    const opened = this.open(client, socket, ip, holder, target, () => closed).then((o) => {
      if ("refusal" in o) {
        // Nothing to open: said on the first session; the connection goes after a while regardless.
        setTimeout(() => {
          client.end();
          socket?.destroy();
        }, REFUSED_MS).unref();
      }
      return o;
    });
    const failed = (err: unknown) => logger.error({ err, ip }, "ssh channel failed");
    client.on("session", (accept, reject) => {
      opened
        .then((o) => {
          if ("refusal" in o) return this.refuse(client, accept(), o.refusal);
          if (o.c.ended || o.c.sessions >= MAX_SESSIONS) return reject();
          const session = accept();
          o.c.sessions++;
          session.once("close", () => o.c.sessions--);
          this.onSession(o.c, o.w, session);
        })
        .catch(failed);
    });
    client.on("tcpip", (accept, reject, info) => {
      opened
        .then((o) => {
          if ("refusal" in o) return reject();
          const host = info.destIP.toLowerCase();
          if (!isLoopback(host) || info.destPort < 1 || info.destPort > 65_535) {
            logger.info({ connection: o.c.id, dest: `${info.destIP}:${info.destPort}` }, "ssh forward refused");
            return reject();
          }
          return this.forward(o.c, o.w, info.destPort, host === "::1" || host === "ip6-localhost" ? "::1" : "127.0.0.1", accept, reject);
        })
        .catch(failed);
    });
    client.on("request", (_accept, reject) => reject?.());
    client.on("openssh.streamlocal", (_accept, reject) => reject());
  }

  /** The connection's instance, running and allowed, or why not. */
  private async open(
    client: Connection,
    socket: Socket | undefined,
    ip: string,
    holder: KeyHolder,
    target: Extract<Target, { kind: "instance" }>,
    isClosed: () => boolean,
  ): Promise<{ c: Live; w: Workload } | { refusal: string }> {
    const principal: Principal = { userId: holder.userId, username: holder.username, role: holder.role, via: "ssh-key", credentialId: holder.keyId };
    if (!target.instanceId) {
      return {
        refusal: target.ambiguous
          ? `${target.ownerName} has more than one instance named "${target.ref}": connect with the instance's id (its page shows the command).`
          : `${target.ownerName} has no instance "${target.ref}".`,
      };
    }
    // The slot is taken before anything is awaited: parallel connections cannot all pass the limit.
    const { sshMaxSessionsPerUser } = await getSettings();
    const userId = holder.userId;
    const open = [...this.live.values()].filter((c) => c.principal.userId === userId).length + (this.opening.get(userId) ?? 0);
    if (open >= sshMaxSessionsPerUser) return { refusal: `You have ${open} SSH connections open (at most ${sshMaxSessionsPerUser}); close one first.` };
    this.opening.set(userId, (this.opening.get(userId) ?? 0) + 1);
    let w: Workload;
    try {
      const { rt, name } = await runningWorkload(principal, target.instanceId);
      const state = await rt.inspect(name);
      if (!state?.running) throw new AppError("INVALID_STATE", ref("serverMessages.instance.containerNotRunningSsh"));
      w = { rt, containerId: state.id, instanceId: target.instanceId };
    } catch (err) {
      if (err instanceof AppError) return { refusal: /[.!?]$/.test(err.message) ? err.message : `${err.message}.` };
      logger.warn({ err: (err as Error).message, instanceId: target.instanceId }, "ssh target unreachable");
      return { refusal: "The instance cannot be reached right now; try again shortly." };
    } finally {
      const n = (this.opening.get(userId) ?? 1) - 1;
      if (n > 0) this.opening.set(userId, n);
      else this.opening.delete(userId);
    }
    if (isClosed()) return { refusal: "Closed." };

    const c: Live = {
      id: randomUUID(),
      client,
      socket,
      principal,
      keyId: holder.keyId,
      instanceId: w.instanceId,
      ip,
      openedAt: Date.now(),
      lastActivity: Date.now(),
      channels: 0,
      sessions: 0,
      forwards: 0,
      processes: new Set(),
      ended: false,
    };
    this.live.set(c.id, c);
    client.once("close", () => this.end(c, "closed"));
    void touchUsed(holder.keyId).catch(() => undefined);
    void recordAudit({
      actor: { type: "user", id: holder.userId, name: holder.username },
      action: "ssh.session.open",
      target: { type: "instance", id: w.instanceId, name: target.ref },
      detail: { keyId: holder.keyId, owner: target.ownerName },
      ip,
    });
    logger.info({ connection: c.id, userId: holder.userId, instanceId: w.instanceId, ip }, "ssh connection opened");
    return { c, w };
  }

  /** Signed in, but nothing to open: say why on the session, then hang up. */
  private refuse(client: Connection, session: Session, message: string): void {
    const say = (acceptChannel: () => ServerChannel) => {
      const ch = acceptChannel() as ServerChannel | undefined;
      if (!ch) return;
      ch.stderr.write(`${message}\r\n`);
      ch.exit(1);
      ch.end();
      setTimeout(() => client.end(), 100);
    };
    session.on("pty", (ok) => ok?.());
    session.on("env", (ok) => ok?.());
    session.on("shell", (ok) => say(ok));
    session.on("exec", (ok) => say(ok));
    session.on("subsystem", (ok) => say(ok));
  }

  private onSession(c: Live, w: Workload, session: Session): void {
    let pty: { cols: number; rows: number; term: string } | null = null;
    const envs = new Map<string, string>();
    let proc: Process | null = null;
    let started = false;
    session.on("pty", (accept, _reject, info) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24, term: /^[\w.+-]{1,64}$/.test(info.term) ? info.term : "xterm-256color" };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      if (proc) void proc.resize(info.cols, info.rows).catch(() => undefined);
      else if (pty) pty = { ...pty, cols: info.cols || pty.cols, rows: info.rows || pty.rows };
      accept?.();
    });
    session.on("env", (accept, reject, info) => {
      if (ACCEPTED_ENV.test(info.key) && (envs.has(info.key) || envs.size < MAX_ENV) && info.val.length <= 256 && !info.val.includes("\0")) {
        envs.set(info.key, info.val);
        accept?.();
      } else reject?.();
    });
    session.on("auth-agent", (_accept, reject) => reject?.());
    session.on("x11", (_accept, reject) => reject?.());
    session.on("signal", (_accept, reject) => reject?.());
    const start = async (accept: () => ServerChannel, reject: (() => void) | undefined, argv: string[], tools: boolean) => {
      // One command per session, as in sshd.
      if (started || c.ended) return reject?.();
      started = true;
      const ch = accept() as ServerChannel | undefined;
      if (!ch) return;
      c.channels++;
      let gone = false;
      ch.once("close", () => {
        gone = true;
      });
      const terminal = pty as { cols: number; rows: number; term: string } | null;
      try {
        if (tools) await ensureTools(w.rt, w.containerId);
        const vars = [...envs].map(([k, v]) => `${k}=${v}`);
        if (terminal) vars.push(`TERM=${terminal.term}`);
        proc = await w.rt.startProcess(w.containerId, { argv, env: vars, tty: terminal ? { cols: terminal.cols, rows: terminal.rows } : null });
      } catch (err) {
        logger.warn({ err: (err as Error).message, connection: c.id }, "ssh command could not start");
        if (!gone) {
          ch.stderr.write("Could not start it in the instance; try again shortly.\r\n");
          ch.exit(1);
          ch.end();
        }
        return;
      }
      // The client or the connection went while it started: nobody is there to read it.
      if (gone || c.ended) return void proc.kill().catch(() => undefined);
      this.bridge(c, ch, proc, terminal !== null);
    };
    const failed = (err: unknown) => logger.error({ err, connection: c.id }, "ssh session failed");
    session.on("shell", (accept, reject) => void start(accept, reject, shellArgv(null), false).catch(failed));
    session.on("exec", (accept, reject, info) => void start(accept, reject, shellArgv(info.command), NEEDS_TOOLS.test(info.command)).catch(failed));
    session.on("subsystem", (accept, reject, info) => {
      if (info.name !== "sftp") return reject?.();
      // Never with a terminal: it would mangle the binary protocol.
      pty = null;
      void start(accept, reject, SFTP_COMMAND, true).catch(failed);
    });
  }

  /** Joins a channel and a process: bytes both ways with backpressure, stderr apart, the exit status back. */
  private bridge(c: Live, ch: ServerChannel, proc: Process, tty: boolean): void {
    c.processes.add(proc);
    const touch = () => {
      c.lastActivity = Date.now();
    };
    let exited = false;
    ch.on("data", touch);
    proc.stdout.on("data", touch);
    proc.stderr.on("data", touch);
    // On a terminal the client's EOF is not passed on (as sshd does): ^D is how a terminal ends input.
    ch.pipe(proc.stdin, { end: !tty });
    proc.stdout.pipe(ch, { end: false });
    proc.stderr.pipe(ch.stderr, { end: false });
    let open = 2;
    const outputDone = () => {
      if (--open > 0) return;
      void proc.exitCode().then(
        (code) => {
          exited = true;
          c.processes.delete(proc);
          ch.exit(code ?? 255);
          ch.end();
        },
        () => ch.end(),
      );
    };
    proc.stdout.once("end", outputDone);
    proc.stderr.once("end", outputDone);
    ch.once("close", () => {
      if (!exited && c.processes.delete(proc)) void proc.kill().catch(() => undefined);
    });
  }

  /** A -L forward: a relay inside the container to its own loopback, so services bound to 127.0.0.1 (VS Code's server) are reached. */
  private async forward(c: Live, w: Workload, port: number, host: "127.0.0.1" | "::1", accept: () => ServerChannel, reject: () => void): Promise<void> {
    if (c.ended || c.forwards >= MAX_FORWARDS) return reject();
    c.forwards++;
    let proc: Process;
    try {
      await ensureTools(w.rt, w.containerId);
      proc = await w.rt.startProcess(w.containerId, { argv: relayCommand(host, port) });
    } catch (err) {
      c.forwards--;
      logger.warn({ err: (err as Error).message, connection: c.id }, "ssh forward failed");
      return reject();
    }
    if (c.ended) {
      c.forwards--;
      void proc.kill().catch(() => undefined);
      return reject();
    }
    const ch = accept() as ServerChannel | undefined;
    if (!ch) {
      c.forwards--;
      void proc.kill().catch(() => undefined);
      return;
    }
    c.channels++;
    c.processes.add(proc);
    const touch = () => {
      c.lastActivity = Date.now();
    };
    ch.on("data", touch);
    proc.stdout.on("data", touch);
    ch.pipe(proc.stdin);
    proc.stdout.pipe(ch);
    proc.stderr.resume();
    ch.once("close", () => {
      c.forwards--;
      if (c.processes.delete(proc)) void proc.kill().catch(() => undefined);
    });
  }
}

/** Starts the jump host when SSH_PORT is not 0; answers the port it listens on. */
export async function startJumpHost(): Promise<{ port: number; close: () => Promise<void> } | null> {
  const e = env();
  if (!e.SSH_PORT) return null;
  const host = new JumpHost();
  const port = await host.listen(e.SSH_PORT, e.SSH_HOST ?? e.HOST);
  countSessions("ssh", () => host.connections);
  logger.info({ port, fingerprint: hostKey().fingerprint }, "ssh jump host listening");
  return { port, close: () => host.close() };
}
