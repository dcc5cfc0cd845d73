// The SSH jump host against the real OpenSSH client (ssh, scp, sftp, rsync) and a real
// container on the local dockerd (local/aic-app: busybox, no sshd, no sftp-server, no
// rsync): shell, commands, file transfer, -L forwards, and who is let in. SQLite only: the
// database part is a few lookups, and e2e/api/ssh.spec.ts runs on both databases.
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import { env } from "../../env";
import { containerName } from "../../instances/workload";
import { startInstance } from "../../instances/start";
import { stopInstance } from "../../instances/stop";
import { updateSettings } from "../../settings/settings.service";
import { addKey, deleteKey } from "../../ssh/keys.service";
import { runningInstance, testUser } from "../../testing/running-instance";
import { adminUpdateUser } from "../../users/users.service";
import { JumpHost } from "./jump-host";

const run = promisify(execFile);
const sqlite = env().dbProvider === "sqlite";
const dir = mkdtempSync(path.join(os.tmpdir(), "aic-jump-"));
let host: JumpHost;
let port: number;
let alice: Principal;
let bob: Principal;
let instanceId: string;
let cleanUp: () => Promise<void>;
let aliceKey: string;
let bobKey: string;
let aliceKeyId: string;

function keygen(name: string): string {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${name}@test`, "-f", file]);
  return file;
}

const login = () => `${instanceId}.${alice.username}`;
const sshOpts = (key: string, extra: string[] = []) => [
  "-p",
  String(port),
  "-i",
  key,
  "-o",
  "IdentitiesOnly=yes",
  "-o",
  "IdentityAgent=none",
  "-o",
  "StrictHostKeyChecking=no",
  "-o",
  `UserKnownHostsFile=${path.join(dir, "known_hosts")}`,
  "-o",
  "BatchMode=yes",
  "-o",
  "LogLevel=ERROR",
  ...extra,
];

/** ssh with stdin; resolves with the exit code and both outputs (never rejects). */
function ssh(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("ssh", args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const inContainer = (...cmd: string[]) => execFileSync("docker", ["exec", containerName(instanceId), ...cmd], { encoding: "utf8" });

beforeAll(async () => {
  if (!sqlite) return;
  ({ owner: alice, other: bob, instanceId, cleanUp } = await runningInstance());
  aliceKey = keygen("alice");
  bobKey = keygen("bob");
  aliceKeyId = (await addKey(alice, { name: "laptop", publicKey: readFileSync(`${aliceKey}.pub`, "utf8") })).id;
  await addKey(bob, { name: "bob", publicKey: readFileSync(`${bobKey}.pub`, "utf8") });
  host = new JumpHost();
  port = await host.listen(0, "127.0.0.1");
}, 120_000);

afterAll(async () => {
  if (!sqlite) return;
  await host.close();
  await cleanUp();
});

describe.skipIf(!sqlite)("SSH jump host with OpenSSH on a real container", () => {
  it("runs commands: stdout and stderr apart, stdin through, the exit code back", async () => {
    const r = await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "echo out; echo err >&2; exit 7"]);
    expect(r).toMatchObject({ code: 7, stdout: "out\n", stderr: "err\n" });
    const wc = await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "wc -l"], "a\nb\nc\n");
    expect(wc.code).toBe(0);
    expect(wc.stdout.trim()).toBe("3");
  });

  it("opens an interactive shell with a prompt on a terminal", async () => {
    const r = await ssh([...sshOpts(aliceKey, ["-tt"]), `${login()}@127.0.0.1`], "echo hi-$((6*7)); tty; exit\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("hi-42");
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toMatch(/[#$] /); // the shell's prompt
  });

  it("follows window size changes (stty size), through an ssh2 client", async () => {
    const key = readFileSync(aliceKey, "utf8");
    const c = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      c.on("ready", resolve).on("error", reject).connect({ host: "127.0.0.1", port, username: login(), privateKey: key });
    });
    const out = await new Promise<string>((resolve, reject) => {
      c.shell({ rows: 30, cols: 100, term: "xterm" }, (err, stream) => {
        if (err) return reject(err);
        let text = "";
        stream.on("data", (d: Buffer) => {
          text += d.toString();
          if (text.includes("30 100") && !text.includes("43 132")) {
            stream.setWindow(43, 132, 0, 0);
            setTimeout(() => stream.write("stty size; exit\n"), 300);
          }
        });
        stream.on("close", () => resolve(text));
        stream.write("stty size\n");
      });
    });
    c.end();
    expect(out).toContain("30 100");
    expect(out).toContain("43 132");
  });

  it("copies files both ways with scp (SFTP and legacy), sftp and rsync, byte for byte", async () => {
    const local = path.join(dir, "payload.bin");
    const payload = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 251;
    writeFileSync(local, payload);
    const remote = `${login()}@127.0.0.1`;
    const scpOpts = sshOpts(aliceKey).map((o) => (o === "-p" ? "-P" : o));

    await run("scp", [...scpOpts, local, `${remote}:/tmp/up.bin`]);
    expect(inContainer("md5sum", "/tmp/up.bin").split(" ")[0]).toBe(execFileSync("md5sum", [local], { encoding: "utf8" }).split(" ")[0]);
    await run("scp", [...scpOpts, `${remote}:/tmp/up.bin`, path.join(dir, "down.bin")]);
    expect(readFileSync(path.join(dir, "down.bin")).equals(payload)).toBe(true);

    await run("scp", ["-O", ...scpOpts, local, `${remote}:/tmp/legacy.bin`]);
    expect(inContainer("stat", "-c", "%s", "/tmp/legacy.bin").trim()).toBe(String(payload.length));

    const batch = path.join(dir, "batch");
    writeFileSync(batch, `put ${local} /tmp/sftp.bin\nls -l /tmp/sftp.bin\nget /tmp/sftp.bin ${path.join(dir, "sftp-down.bin")}\n`);
    const sftp = await run("sftp", ["-b", batch, ...scpOpts, remote]);
    expect(sftp.stdout).toContain("/tmp/sftp.bin");
    expect(readFileSync(path.join(dir, "sftp-down.bin")).equals(payload)).toBe(true);

    const rsh = ["ssh", ...sshOpts(aliceKey)].join(" ");
    await run("rsync", ["-a", "-e", rsh, local, `${remote}:/tmp/rsync.bin`]);
    expect(inContainer("md5sum", "/tmp/rsync.bin").split(" ")[0]).toBe(execFileSync("md5sum", [local], { encoding: "utf8" }).split(" ")[0]);
    await run("rsync", ["-a", "-e", rsh, `${remote}:/tmp/rsync.bin`, path.join(dir, "rsync-down.bin")]);
    expect(readFileSync(path.join(dir, "rsync-down.bin")).equals(payload)).toBe(true);
  }, 120_000);

  it("forwards -L to the instance's own loopback ports only", async () => {
    // A web server bound to the container's 127.0.0.1 (like VS Code's server): unreachable from outside it.
    inContainer("sh", "-c", "mkdir -p /tmp/www && echo forwarded-page > /tmp/www/index.html && (busybox httpd -p 127.0.0.1:8088 -h /tmp/www &)");
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const tunnel = spawn("ssh", [...sshOpts(aliceKey, ["-N", "-o", "ExitOnForwardFailure=yes", "-L", `${free}:localhost:8088`]), `${login()}@127.0.0.1`]);
    try {
      let body = "";
      for (let i = 0; i < 100 && !body; i++) {
        body = await fetch(`http://127.0.0.1:${free}/`)
          .then((r) => r.text())
          .catch(() => "");
        if (!body) await new Promise((r) => setTimeout(r, 100));
      }
      expect(body).toBe("forwarded-page\n");
    } finally {
      tunnel.kill();
    }
    // Anywhere else (the Docker host's bridge address here) is refused.
    const other = await ssh([...sshOpts(aliceKey, ["-W", "172.17.0.1:80"]), `${login()}@127.0.0.1`]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/administratively prohibited|open failed|stdio forwarding failed/);
  }, 60_000);

  it("refuses another user's key, passwords, and a key whose signature is not valid", async () => {
    const bobTries = await ssh([...sshOpts(bobKey, ["-b", "127.0.0.21"]), `${login()}@127.0.0.1`, "true"]);
    expect(bobTries.code).toBe(255);
    expect(bobTries.stderr).toContain("Permission denied (publickey)");

    const password = await ssh([
      ...sshOpts(aliceKey, ["-b", "127.0.0.22", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive"]),
      `${login()}@127.0.0.1`,
      "true",
    ]);
    expect(password.code).toBe(255);
    expect(password.stderr).toContain("Permission denied (publickey)");

    // An agent that offers Alice's public key but signs with another key: the server answers
    // the offer (PK_OK) and must then refuse the signature.
    const alicePublic = ssh2.utils.parseKey(readFileSync(`${aliceKey}.pub`, "utf8")) as ssh2.ParsedKey;
    const impostor = ssh2.utils.parseKey(readFileSync(bobKey, "utf8")) as ssh2.ParsedKey;
    class ForgingAgent extends ssh2.BaseAgent {
      getIdentities(cb: (err: Error | undefined, keys?: ssh2.ParsedKey[]) => void) {
        cb(undefined, [alicePublic]);
      }
      sign(_key: ssh2.ParsedKey, data: Buffer, _opts: unknown, cb?: (err: Error | undefined, sig?: Buffer) => void) {
        const done = typeof _opts === "function" ? (_opts as typeof cb) : cb;
        done!(undefined, impostor.sign(data) as Buffer);
      }
    }
    const forged = await new Promise<string>((resolve) => {
      const c = new ssh2.Client();
      c.on("ready", () => {
        c.end();
        resolve("authenticated");
      })
        .on("error", (err) => resolve(err.message))
        .connect({ host: "127.0.0.1", port, username: login(), agent: new ForgingAgent(), localAddress: "127.0.0.23" });
    });
    expect(forged).toMatch(/All configured authentication methods failed/);
  });

  it("throttles an address after repeated failures, like sign-ins", async () => {
    const from = ["-b", "127.0.0.31"];
    const limit = env().RATE_LIMIT_LOGIN_IP_PER_MIN;
    for (let i = 0; i < limit; i++) await ssh([...sshOpts(bobKey, from), `${login()}@127.0.0.1`, "true"]);
    // Now even the right key is refused from that address, but not from another.
    const locked = await ssh([...sshOpts(aliceKey, from), `${login()}@127.0.0.1`, "echo in"]);
    expect(locked.code).toBe(255);
    const elsewhere = await ssh([...sshOpts(aliceKey, ["-b", "127.0.0.32"]), `${login()}@127.0.0.1`, "echo in"]);
    expect(elsewhere.stdout).toBe("in\n");
  }, 60_000);

  it("lets an administrator's key into a user's instance, and carries VS Code's dynamic forward (-D) to the instance's loopback", async () => {
    const admin = await testUser("root", "admin");
    const adminKey = keygen("admin");
    await addKey(admin, { name: "ops", publicKey: readFileSync(`${adminKey}.pub`, "utf8") });
    const r = await ssh([...sshOpts(adminKey), `${login()}@127.0.0.1`, "echo admin-in"]);
    expect(r.stdout).toBe("admin-in\n");

    inContainer("sh", "-c", "mkdir -p /tmp/socks && echo via-socks > /tmp/socks/index.html && (busybox httpd -p 127.0.0.1:8089 -h /tmp/socks &)");
    const socks = 20000 + Math.floor(Math.random() * 20000);
    const tunnel = spawn("ssh", [...sshOpts(aliceKey, ["-N", "-T", "-D", `127.0.0.1:${socks}`]), `${login()}@127.0.0.1`]);
    try {
      let body = "";
      for (let i = 0; i < 100 && !body; i++) {
        body = await run("curl", ["-sf", "--max-time", "5", "--socks5-hostname", `127.0.0.1:${socks}`, "http://127.0.0.1:8089/"]).then(
          (x) => x.stdout,
          () => "",
        );
        if (!body) await new Promise((r) => setTimeout(r, 100));
      }
      expect(body).toBe("via-socks\n");
    } finally {
      tunnel.kill();
    }
  }, 60_000);

  it("slows a command whose output the client does not read, instead of buffering it in the console", async () => {
    const child = spawn("ssh", [...sshOpts(aliceKey), `${login()}@127.0.0.1`, "cat /dev/zero"]);
    child.stdout.pause(); // a client that reads nothing: its pipe, then the TCP window, fill up
    for (let i = 0; i < 100 && host.connections === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_000));
    const before = process.memoryUsage().rss;
    await new Promise((r) => setTimeout(r, 3_000));
    const grown = process.memoryUsage().rss - before;
    child.kill();
    // Unread, /dev/zero would have filled hundreds of megabytes a second here.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    for (let i = 0; i < 100 && host.connections > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }, 30_000);

  it("keeps to the per-user session limit and closes idle connections", async () => {
    await updateSettings({ sshMaxSessionsPerUser: 1 });
    const quick = new JumpHost({ idleMs: 1_500, sweepMs: 200 });
    const quickPort = await quick.listen(0, "127.0.0.1");
    const opts = (extra: string[] = []) => sshOpts(aliceKey, extra).map((o) => (o === String(port) ? String(quickPort) : o));
    try {
      // Parallel connections cannot all pass the limit while their instance is being looked up.
      const parallel = await Promise.all([1, 2, 3].map(() => ssh([...opts(), `${login()}@127.0.0.1`, "sleep 1; echo in"])));
      expect(parallel.filter((r) => r.stdout === "in\n")).toHaveLength(1);
      expect(parallel.filter((r) => r.stderr.includes("close one first"))).toHaveLength(2);
      for (let i = 0; i < 100 && quick.connections > 0; i++) await new Promise((r) => setTimeout(r, 50));
      const first = ssh([...opts(), `${login()}@127.0.0.1`, "sleep 30"]);
      for (let i = 0; i < 100 && quick.connections === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const second = await ssh([...opts(), `${login()}@127.0.0.1`, "echo second"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("You have 1 SSH connections open (at most 1); close one first.");
      // `sleep 30` prints nothing: the connection is idle and is closed long before the sleep ends.
      const started = Date.now();
      const ended = await first;
      expect(ended.code).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(quick.connections).toBe(0);
    } finally {
      await updateSettings({ sshMaxSessionsPerUser: 10 });
      await quick.close();
    }
  }, 60_000);

  it("ends sessions when the instance stops or the account is deactivated, and refuses a stopped instance", async () => {
    const open = () => ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "sleep 60"]);
    const waitOpen = async () => {
      for (let i = 0; i < 100 && host.connections === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(host.connections).toBe(1);
    };
    let session = open();
    await waitOpen();
    await stopInstance(alice, instanceId);
    expect((await session).code).not.toBe(0);
    const stopped = await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "true"]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/The instance is stopped; start it first/);

    await startInstance(alice, instanceId, { withoutGpu: false });
    for (let i = 0; i < 100; i++) {
      if ((await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "true"])).code === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    session = open();
    await waitOpen();
    const admin = await testUser("boss", "admin");
    await adminUpdateUser(admin, alice.userId, { isActive: false });
    expect((await session).code).not.toBe(0);
    expect(host.connections).toBe(0);
    const refused = await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "true"]);
    expect(refused.stderr).toContain("Permission denied (publickey)");
    await adminUpdateUser(admin, alice.userId, { isActive: true });
  }, 90_000);

  it("drops connections past the sign-in limit and closes those that do not sign in in time, silent ones too", async () => {
    const gate = new JumpHost({ maxUnauthenticated: 2, loginGraceMs: 1_500 });
    const gatePort = await gate.listen(0, "127.0.0.1");
    const opts = sshOpts(aliceKey).map((o) => (o === String(port) ? String(gatePort) : o));
    const silent = () =>
      new Promise<Socket>((resolve) => {
        const s = connect(gatePort, "127.0.0.1", () => resolve(s));
        s.on("error", () => undefined);
        s.resume(); // reads (and drops) the server's greeting, so its close is seen
      });
    try {
      const [a, b] = [await silent(), await silent()];
      const closed = (s: Socket) => new Promise<number>((resolve) => s.once("close", () => resolve(Date.now())));
      const [aClosed, bClosed] = [closed(a), closed(b)];
      const crowded = await ssh([...opts, `${login()}@127.0.0.1`, "echo in"]);
      expect(crowded.code).toBe(255);
      const opened = Date.now();
      // Both idle sockets are closed after the grace time; then a client gets in.
      expect((await aClosed) - opened).toBeLessThan(5_000);
      await bClosed;
      const later = await ssh([...opts, `${login()}@127.0.0.1`, "echo in"]);
      expect(later.stdout).toBe("in\n");
    } finally {
      await gate.close();
    }
  }, 30_000);

  it("says why when the instance cannot be opened, and ends sessions when their key is deleted", async () => {
    const missing = await ssh([...sshOpts(aliceKey), `no-such-instance.${alice.username}@127.0.0.1`, "true"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${alice.username} has no instance "no-such-instance"`);

    const session = ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "sleep 60"]);
    for (let i = 0; i < 100 && host.connections === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(host.connections).toBe(1);
    await deleteKey(alice, aliceKeyId);
    const ended = await session;
    expect(ended.code).not.toBe(0);
    expect(host.connections).toBe(0);
    // The command was ended in the container too (a zombie under the image's PID 1 at most).
    for (let i = 0; i < 50 && / sleep 60/.test(inContainer("ps", "-o", "stat,args")); i++) await new Promise((r) => setTimeout(r, 100));
    expect(inContainer("ps", "-o", "stat,args")).not.toMatch(/^S\s+sleep 60/m);
    const after = await ssh([...sshOpts(aliceKey), `${login()}@127.0.0.1`, "true"]);
    expect(after.stderr).toContain("Permission denied (publickey)");
  }, 60_000);
});
