import "server-only";
import { randomUUID } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";
import ssh2, { type AuthContext, type Connection, type ServerChannel, type Session } from "ssh2";
import type { Process, Runtime } from "../../adapters/runtime";
import { audit } from "../../audit/audit.service";
import type { Principal } from "../../auth/principal";
import { env } from "../../env";
import { on } from "../../events";
import { AppError } from "../../http/errors";
import { limiter, lockIfSpent } from "../../http/rate-limit";
import { findInstance } from "../../instances/instances.repo";
import { runningWorkload } from "../../instances/stats";
import { logger } from "../../logger";
import { getSettings } from "../../settings/settings.service";
import { hostKey } from "../../ssh/host-key";
import { keyExists, touchUsed } from "../../ssh/keys.repo";
import { findAuthState } from "../../users/users.repo";
import { type KeyHolder, keyHolder, resolveTarget, signatureValid, type Target } from "./auth";
import { ensureTools, relayCommand, SFTP_COMMAND, TOOLS_PATH } from "./tools";

// The SSH jump host: `ssh -p 2026 <instance>.<owner>@console` reaches a shell, commands,
// sftp/scp/rsync and -L forwards in the instance's container through `docker exec`, so an
// image needs no sshd. Public keys only, each signature verified; failures throttled per
// client address and per account like sign-ins. Remote, agent and X11 forwarding refused.

/** Unauthenticated connections are closed after this long (sshd's LoginGraceTime). */
const LOGIN_GRACE_MS = 30_000;
/** Connections still signing in, at most (sshd's MaxStartups): more are dropped at once. */
const MAX_UNAUTHENTICATED = 100;
/** Authentication attempts per connection (sshd's MaxAuthTries is 6; agents hold several keys). */
const MAX_AUTH_TRIES = 10;
/** Environment a client may set (sshd's usual AcceptEnv). */
const ACCEPTED_ENV = /^(LANG|LC_[A-Z_]+|TZ|COLORTERM|TERM_PROGRAM(_VERSION)?)$/;

type Workload = { rt: Runtime; containerId: string; instanceId: string };

type Live = {
  id: string;
  client: Connection;
  principal: Principal;
  keyId: string;
  instanceId: string;
  ip: string;
  openedAt: number;
  lastActivity: number;
  channels: number;
  processes: Set<Process>;
  ended: boolean;
};

/** The login shell: bash when the image has it, as for a user whose shell is bash. */
function shellArgv(command: string | null): string[] {
  const path = `PATH="$PATH:${TOOLS_PATH}"; export PATH; `;
  if (command === null) return ["/bin/sh", "-c", `${path}if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi`];
  return ["/bin/sh", "-c", `${path}if command -v bash >/dev/null 2>&1; then exec bash -c "$0"; else exec sh -c "$0"; fi`, command];
}

/** Commands that may need the tools the console brings (the image may lack them). */
const NEEDS_TOOLS = /^\s*(rsync|scp|sftp-server)(\s|$)/;

export class JumpHost {
  private readonly server: ssh2.Server;
  private readonly live = new Map<string, Live>();
  private readonly unsubscribe: (() => void)[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private unauthenticated = 0;
  /** Sockets still signing in, by client address and port: called when they sign in. */
  private readonly signedIn = new Map<string, () => void>();
  private readonly tcp = createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<Socket>();
  private lastRecheck = 0;

  /** Options replace the idle setting, the 5 s sweep and the sign-in limits (tests shorten them). */
  constructor(private readonly opts: { idleMs?: number; sweepMs?: number; loginGraceMs?: number; maxUnauthenticated?: number } = {}) {
    this.server = new ssh2.Server({ hostKeys: [hostKey().privateKey], ident: "AIInfraConsole" }, (client, info) =>
      this.onConnection(client, info.ip, info.port),
    );
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
    this.endWhere(() => true, "console stopping");
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private endWhere(match: (c: Live) => boolean, reason: string): void {
    for (const c of this.live.values()) if (match(c)) this.end(c, reason);
  }

  private end(c: Live, reason: string): void {
    if (c.ended) return;
    c.ended = true;
    this.live.delete(c.id);
    for (const p of c.processes) void p.kill().catch(() => undefined);
    c.client.end();
    logger.info({ connection: c.id, userId: c.principal.userId, instanceId: c.instanceId, reason }, "ssh connection ended");
    void audit({
      actorId: c.principal.userId,
      action: "ssh.session.end",
      target: { type: "instance", id: c.instanceId },
      detail: { reason, channels: c.channels, seconds: Math.round((Date.now() - c.openedAt) / 1000) },
      ip: c.ip,
    });
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
   * Every TCP connection is counted until it signs in (or goes): past `maxUnauthenticated`
   * new ones are dropped, and one not signed in after the login grace time is closed, even
   * one that never sends a byte (sshd's MaxStartups and LoginGraceTime).
   */
  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    const max = this.opts.maxUnauthenticated ?? MAX_UNAUTHENTICATED;
    if (this.unauthenticated >= max) {
      logger.warn({ ip: socket.remoteAddress }, "ssh connection dropped: too many connections signing in");
      socket.destroy();
      return;
    }
    this.unauthenticated++;
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    let pending = true;
    const settle = () => {
      if (!pending) return;
      pending = false;
      this.unauthenticated--;
      clearTimeout(timer);
      this.signedIn.delete(key);
    };
    const timer = setTimeout(() => socket.destroy(), this.opts.loginGraceMs ?? LOGIN_GRACE_MS);
    this.signedIn.set(key, settle);
    socket.once("close", settle);
    this.server.injectSocket(socket);
  }

  private onConnection(client: Connection, ip: string, port: number): void {
    client.on("error", (err) => logger.debug({ err: err.message, ip }, "ssh client error"));
    let authenticated: { holder: KeyHolder; target: Extract<Target, { kind: "instance" }> } | null = null;
    let tries = 0;
    let attempted = false;
    client.on("close", () => {
      if (!authenticated && attempted)
        void limiter("ssh-ip")
          .consume(ip)
          .catch(() => undefined);
    });

    client.on("authentication", (ctx) => {
      void this.authenticate(ctx, ip, ++tries).then(
        (result) => {
          if (ctx.method !== "none") attempted = true;
          if (result === "reject") return ctx.reject(["publickey"]);
          if (result === "query-ok") return ctx.accept();
          authenticated = result;
          ctx.accept();
        },
        (err: unknown) => {
          logger.error({ err, ip }, "ssh authentication failed unexpectedly");
          ctx.reject(["publickey"]);
        },
      );
      if (tries > MAX_AUTH_TRIES) client.end();
    });

    client.on("ready", () => {
      this.signedIn.get(`${ip}:${port}`)?.();
      if (!authenticated) return client.end();
      void this.onReady(client, ip, authenticated.holder, authenticated.target);
    });
  }

  /** "reject", "query-ok" (the key would do: PK_OK, the client signs next) or who signed in. */
  private async authenticate(
    ctx: AuthContext,
    ip: string,
    tries: number,
  ): Promise<"reject" | "query-ok" | { holder: KeyHolder; target: Extract<Target, { kind: "instance" }> }> {
    if (tries > MAX_AUTH_TRIES) return "reject";
    const ipLimit = await limiter("ssh-ip").get(ip);
    if (ipLimit && ipLimit.consumedPoints >= limiter("ssh-ip").points) return "reject";
    if (ctx.method !== "publickey") {
      // Passwords and keyboard-interactive are never accepted; trying them counts as a failure.
      if (ctx.method !== "none")
        await limiter("ssh-ip")
          .consume(ip)
          .catch(() => undefined);
      return "reject";
    }
    const holder = await keyHolder(ctx.key.data);
    if (!holder) return "reject";
    const account = await limiter("ssh-account").get(`user:${holder.userId}`);
    if (account && account.consumedPoints >= limiter("ssh-account").points) return "reject";
    const target = await resolveTarget(ctx.username, holder);
    if (target.kind === "refused") return "reject";
    if (!ctx.signature) return "query-ok";
    if (!signatureValid(holder, ctx.blob, ctx.signature, ctx.hashAlgo)) {
      await limiter("ssh-ip")
        .consume(ip)
        .catch(() => undefined);
      await limiter("ssh-account")
        .consume(`user:${holder.userId}`)
        .catch(() => undefined);
      await lockIfSpent("ssh-account", `user:${holder.userId}`);
      await audit({ actorId: holder.userId, action: "ssh.login_failed", detail: { reason: "bad signature", keyId: holder.keyId }, ip });
      return "reject";
    }
    return { holder, target };
  }

  /** Listeners go on at once (a client asks for its channel straight away); they wait for the instance to be resolved. */
  private onReady(client: Connection, ip: string, holder: KeyHolder, target: Extract<Target, { kind: "instance" }>): void {
    const opened = this.open(client, ip, holder, target);
    client.on("session", (accept) => {
      void opened.then((o) => ("refusal" in o ? this.refuse(client, accept(), o.refusal) : this.onSession(o.c, o.w, accept())));
    });
    client.on("tcpip", (accept, reject, info) => {
      void opened.then((o) => {
        if ("refusal" in o) return reject();
        const host = info.destIP.toLowerCase();
        const loopback = host === "localhost" || host === "127.0.0.1" || host === "::1" || host === "0.0.0.0" || host === "ip6-localhost";
        if (!loopback || info.destPort < 1 || info.destPort > 65_535) {
          logger.info({ connection: o.c.id, dest: `${info.destIP}:${info.destPort}` }, "ssh forward refused");
          return reject();
        }
        void this.forward(o.c, o.w, info.destPort, host === "::1" || host === "ip6-localhost" ? "::1" : "127.0.0.1", accept, reject);
      });
    });
    client.on("request", (_accept, reject) => reject?.());
    client.on("openssh.streamlocal", (_accept, reject) => reject());
  }

  /** The connection's instance, running and allowed, or why not. */
  private async open(
    client: Connection,
    ip: string,
    holder: KeyHolder,
    target: Extract<Target, { kind: "instance" }>,
  ): Promise<{ c: Live; w: Workload } | { refusal: string }> {
    const principal: Principal = { userId: holder.userId, username: holder.username, role: holder.role, via: "ssh-key", credentialId: holder.keyId };
    let w: Workload;
    try {
      if (!target.instanceId) {
        return {
          refusal: target.ambiguous
            ? `${target.ownerName} has more than one instance named "${target.ref}": connect with the instance's id (its page shows the command).`
            : `${target.ownerName} has no instance "${target.ref}".`,
        };
      }
      const { sshMaxSessionsPerUser } = await getSettings();
      const open = [...this.live.values()].filter((c) => c.principal.userId === holder.userId).length;
      if (open >= sshMaxSessionsPerUser) return { refusal: `You have ${open} SSH connections open (at most ${sshMaxSessionsPerUser}); close one first.` };
      const { rt, name } = await runningWorkload(principal, target.instanceId);
      const state = await rt.inspect(name);
      if (!state?.running) throw new AppError("INVALID_STATE", "The instance's container is not running; start the instance first");
      w = { rt, containerId: state.id, instanceId: target.instanceId };
    } catch (err) {
      if (err instanceof AppError) return { refusal: /[.!?]$/.test(err.message) ? err.message : `${err.message}.` };
      logger.warn({ err: (err as Error).message, instanceId: target.instanceId }, "ssh target unreachable");
      return { refusal: "The instance cannot be reached right now; try again shortly." };
    }

    const c: Live = {
      id: randomUUID(),
      client,
      principal,
      keyId: holder.keyId,
      instanceId: w.instanceId,
      ip,
      openedAt: Date.now(),
      lastActivity: Date.now(),
      channels: 0,
      processes: new Set(),
      ended: false,
    };
    this.live.set(c.id, c);
    client.on("close", () => this.end(c, "closed"));
    void touchUsed(holder.keyId).catch(() => undefined);
    void audit({
      actorId: holder.userId,
      action: "ssh.session.start",
      target: { type: "instance", id: w.instanceId },
      detail: { keyId: holder.keyId, owner: target.ownerName },
      ip,
    });
    logger.info({ connection: c.id, userId: holder.userId, instanceId: w.instanceId, ip }, "ssh connection opened");
    return { c, w };
  }

  /** Authenticated, but nothing to open: say why on the session, then hang up. */
  private refuse(client: Connection, session: Session, message: string): void {
    const timer = setTimeout(() => client.end(), 10_000);
    const say = (acceptChannel: () => ServerChannel) => {
      const ch = acceptChannel();
      ch.stderr.write(`${message}\r\n`);
      ch.exit(1);
      ch.end();
      clearTimeout(timer);
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
    const envs: Record<string, string> = {};
    let proc: Process | null = null;
    session.on("pty", (accept, _reject, info) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24, term: /^[\w.+-]{1,64}$/.test(info.term) ? info.term : "xterm-256color" };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      void proc?.resize(info.cols, info.rows).catch(() => undefined);
      accept?.();
    });
    session.on("env", (accept, reject, info) => {
      if (ACCEPTED_ENV.test(info.key) && info.val.length <= 256 && !/[\0]/.test(info.val)) {
        envs[info.key] = info.val;
        accept?.();
      } else reject?.();
    });
    session.on("auth-agent", (_accept, reject) => reject?.());
    session.on("x11", (_accept, reject) => reject?.());
    session.on("signal", (accept) => accept?.());
    const start = async (accept: () => ServerChannel, argv: string[], tools: boolean) => {
      const ch = accept();
      c.channels++;
      try {
        if (tools) await ensureTools(w.rt, w.containerId);
        const env = Object.entries(envs).map(([k, v]) => `${k}=${v}`);
        if (pty) env.push(`TERM=${(pty as { term: string }).term}`);
        proc = await w.rt.startProcess(w.containerId, {
          argv,
          env,
          tty: pty ? { cols: (pty as { cols: number }).cols, rows: (pty as { rows: number }).rows } : null,
        });
      } catch (err) {
        ch.stderr.write(`Could not start it in the instance: ${(err as Error).message}\r\n`);
        ch.exit(1);
        ch.end();
        return;
      }
      this.bridge(c, ch, proc, pty !== null);
    };
    session.on("shell", (accept) => void start(accept, shellArgv(null), false));
    session.on("exec", (accept, _reject, info) => void start(accept, shellArgv(info.command), NEEDS_TOOLS.test(info.command)));
    session.on("subsystem", (accept, reject, info) => {
      if (info.name !== "sftp") return reject?.();
      // Never with a terminal: it would mangle the binary protocol.
      pty = null;
      void start(accept, SFTP_COMMAND, true);
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
      if (!exited) {
        c.processes.delete(proc);
        void proc.kill().catch(() => undefined);
      }
    });
  }

  /** A -L forward: a relay inside the container to its own loopback, so services bound to 127.0.0.1 (VS Code's server) are reached. */
  private async forward(c: Live, w: Workload, port: number, host: "127.0.0.1" | "::1", accept: () => ServerChannel, reject: () => void): Promise<void> {
    let proc: Process;
    try {
      await ensureTools(w.rt, w.containerId);
      proc = await w.rt.startProcess(w.containerId, { argv: relayCommand(host, port) });
    } catch (err) {
      logger.warn({ err: (err as Error).message, connection: c.id }, "ssh forward failed");
      return reject();
    }
    const ch = accept();
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
      c.processes.delete(proc);
      void proc.kill().catch(() => undefined);
    });
  }
}

let running: JumpHost | null = null;

/** Starts the jump host when SSH_PORT is not 0; answers the port it listens on. */
export async function startJumpHost(): Promise<{ port: number; close: () => Promise<void> } | null> {
  const e = env();
  if (!e.SSH_PORT) return null;
  const host = new JumpHost();
  const port = await host.listen(e.SSH_PORT, e.SSH_HOST ?? e.HOST);
  running = host;
  logger.info({ port, fingerprint: hostKey().fingerprint }, "ssh jump host listening");
  return {
    port,
    close: async () => {
      running = null;
      await host.close();
    },
  };
}

/** Open jump-host connections of this process (for tests and metrics). */
export function jumpHostConnections(): number {
  return running?.connections ?? 0;
}
