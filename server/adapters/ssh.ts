import "server-only";
import { createHash } from "node:crypto";
import ssh2, { type ConnectConfig, type SFTPWrapper } from "ssh2";

// SSH to a node, with the host key pinned: the first contact reports the key it saw (the
// caller stores it); afterwards any other key is refused before authenticating.

export type SshTarget = {
  host: string;
  port: number;
  username: string;
  password?: string | null;
  privateKey?: string | null;
  /** SHA256:... fingerprint pinned earlier; null on first contact. */
  pinnedHostKey: string | null;
};

export type ExecResult = { stdout: string; stderr: string; code: number | null };

export class HostKeyMismatchError extends Error {
  constructor(
    readonly pinned: string,
    readonly presented: string,
  ) {
    super(`The node presented SSH host key ${presented}, but ${pinned} is pinned: refused (re-trust it if the change is legitimate)`);
    this.name = "HostKeyMismatchError";
  }
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

export type SshSession = {
  exec(command: string, timeoutMs?: number): Promise<ExecResult>;
  /** The server's sftp subsystem on this connection. */
  sftp(): Promise<SFTPWrapper>;
  hostKey: string;
};

/** Opens a connection, runs `fn`, closes. Rejects with HostKeyMismatchError or a clear message. */
export async function withSsh<T>(t: SshTarget, fn: (s: SshSession) => Promise<T>, readyTimeoutMs = 10_000, deadlineMs?: number): Promise<T> {
  const conn = new ssh2.Client();
  let presented = "";
  let mismatch: HostKeyMismatchError | null = null;
  const config: ConnectConfig = {
    host: t.host,
    port: t.port,
    username: t.username,
    password: t.password ?? undefined,
    privateKey: t.privateKey ?? undefined,
    readyTimeout: readyTimeoutMs,
    tryKeyboard: false,
    hostVerifier: (key: Buffer) => {
      presented = fingerprint(key);
      if (t.pinnedHostKey && t.pinnedHostKey !== presented) {
        mismatch = new HostKeyMismatchError(t.pinnedHostKey, presented);
        return false;
      }
      return true;
    },
  };
  await new Promise<void>((resolve, reject) => {
    conn.once("ready", () => resolve());
    conn.once("error", (err) => reject(mismatch ?? new Error(describeSshError(err, t))));
    conn.connect(config);
  });
  const session: SshSession = {
    hostKey: presented,
    sftp: () => new Promise<SFTPWrapper>((resolve, reject) => conn.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)))),
    exec: (command, timeoutMs = 15_000) =>
      new Promise<ExecResult>((resolve, reject) => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = "";
          let stderr = "";
          const timer = setTimeout(() => {
            stream.close();
            reject(new Error(`"${command.split(" ")[0]}" did not finish within ${timeoutMs / 1000} s`));
          }, timeoutMs);
          stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
          stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
          stream.on("close", (code: number | null) => {
            clearTimeout(timer);
            resolve({ stdout, stderr, code });
          });
        });
      }),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!deadlineMs) return await fn(session);
    // The whole conversation within the deadline (a stuck read ends with the connection).
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`SSH to ${t.host}:${t.port} did not finish within ${deadlineMs / 1000} s`)), deadlineMs);
    });
    return await Promise.race([fn(session), late]);
  } finally {
    clearTimeout(timer);
    conn.end();
  }
}

function describeSshError(err: Error & { level?: string; code?: string }, t: SshTarget): string {
  const where = `${t.username}@${t.host}:${t.port}`;
  if (err.level === "client-authentication") return `SSH login as ${where} was refused (wrong password or key)`;
  if (/ECONNREFUSED/.test(err.code ?? err.message)) return `Connection refused at ${t.host}:${t.port}: is sshd listening there?`;
  if (/Timed out while waiting for handshake/i.test(err.message)) return `No SSH handshake from ${t.host}:${t.port} in time`;
  if (/EHOSTUNREACH|ENETUNREACH|ENOTFOUND/.test(err.code ?? err.message)) return `Cannot reach ${t.host}:${t.port}`;
  if (/Cannot parse privateKey|Unsupported key format|Encrypted private OpenSSH key/i.test(err.message))
    return `The SSH private key cannot be read (${err.message})`;
  return `SSH to ${where} failed: ${err.message}`;
}

/** Quotes a value for a POSIX shell command line. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
