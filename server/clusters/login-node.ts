import "server-only";
import type { SFTPWrapper } from "ssh2";
import { type SshTarget, withSsh } from "../adapters/ssh";
import { unseal } from "../crypto/secret-box";
import type { ClusterRow } from "./clusters.repo";
import { LOGIN_KEY_CONTEXT } from "./slurm-access";

// A cluster's login node, over SSH with its host key pinned: the console reads jobs' output
// files there by SFTP. A file is read only when it is a regular file owned by the job's
// Slurm user, checked on the opened file itself (a path swapped for a link to another file
// between the check and the read cannot leak that file): a job cannot point its output
// path at something only the login user may read.

export function loginTarget(row: ClusterRow): SshTarget | null {
  if (!row.loginHost || !row.loginUser || !row.loginPrivateKeyEnc) return null;
  return {
    host: row.loginHost,
    port: row.loginPort,
    username: row.loginUser,
    privateKey: unseal(row.loginPrivateKeyEnc, LOGIN_KEY_CONTEXT),
    pinnedHostKey: row.loginHostKey,
  };
}

export type FileTail = { text: string; size: number; truncated: boolean };

export class OutputRefused extends Error {}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/**
 * The last `maxBytes` of a job's file, or null when it does not exist (yet). Throws
 * OutputRefused when it is not a regular file of `ownerUid`.
 */
export async function readJobFile(
  target: SshTarget,
  path: string,
  ownerUid: number,
  maxBytes: number,
  /** Called with the host key at first contact (nothing pinned yet), to pin it. */
  pin?: (hostKey: string) => Promise<void>,
): Promise<FileTail | null> {
  if (!path.startsWith("/") || /[\0\n\r]/.test(path)) throw new OutputRefused("The output path is not an absolute path");
  return withSsh(
    target,
    async (s) => {
      if (!target.pinnedHostKey && pin) await pin(s.hostKey);
      const sftp = await s.sftp();
      // The path itself first, links not followed: nothing but the user's regular file is opened
      // (opening a FIFO or a device could hang or act).
      let before: { mode: number; uid: number };
      try {
        before = await call<{ mode: number; uid: number }>((cb) => sftp.lstat(path, cb));
      } catch (err) {
        if ((err as { code?: number }).code === 2) return null; // no such file (yet)
        throw new OutputRefused(`The file cannot be read on the login node (${(err as Error).message})`);
      }
      checkFile(before, ownerUid);
      let handle: Buffer;
      try {
        handle = await call<Buffer>((cb) => sftp.open(path, "r", cb));
      } catch (err) {
        if ((err as { code?: number }).code === 2) return null;
        throw new OutputRefused(`The file cannot be opened on the login node (${(err as Error).message})`);
      }
      try {
        // Again on what was opened: a path swapped meanwhile is refused.
        const st = await call<{ mode: number; uid: number; size: number }>((cb) => sftp.fstat(handle, cb));
        checkFile(st, ownerUid);
        const size = st.size;
        const len = Math.min(size, maxBytes);
        const buf = Buffer.alloc(len);
        let got = 0;
        while (got < len) {
          const n = await readAt(sftp, handle, buf, got, len - got, size - len + got);
          if (n <= 0) break;
          got += n;
        }
        let text = buf.subarray(0, got).toString("utf8");
        // Cut to whole lines when the start was cut.
        if (size > len) text = text.slice(text.indexOf("\n") + 1);
        return { text, size, truncated: size > len };
      } finally {
        await call((cb) => sftp.close(handle, cb)).catch(() => undefined);
      }
    },
    undefined,
    READ_DEADLINE_MS,
  );
}

/** A read of output gives up (and closes its connection) after this long. */
const READ_DEADLINE_MS = 20_000;

function checkFile(st: { mode: number; uid: number }, ownerUid: number): void {
  if ((st.mode & S_IFMT) !== S_IFREG) throw new OutputRefused("The output path is not a regular file");
  if (st.uid !== ownerUid) throw new OutputRefused("The output file does not belong to the job's user");
  if (ownerUid < MIN_UID) throw new OutputRefused("Output of system accounts is not read");
}

/** Files of system accounts (uid below this) are never read. */
const MIN_UID = 1000;

function readAt(sftp: SFTPWrapper, handle: Buffer, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => sftp.read(handle, buf, offset, Math.min(length, 32 * 1024), position, (err, n) => (err ? reject(err) : resolve(n))));
}

function call<T = void>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}
