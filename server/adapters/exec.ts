import "server-only";
import { randomBytes } from "node:crypto";
import { type Duplex, PassThrough, Writable } from "node:stream";
import type Docker from "dockerode";
import type { Process, ProcessOptions, Shell } from "./runtime";

// An interactive shell in a container through `docker exec` with a TTY: bash when the image
// has it, else sh. Closing Docker's stream does not end an exec'd process, so the wrapper
// announces its PID (an OSC sequence the session strips) and kill() ends it with SIGHUP
// through a second exec.

/** `ESC ] 1337 ; aic-pid=<pid> BEL`, printed once before the shell starts. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the marker is made of control characters
export const PID_MARKER = /\x1b\]1337;aic-pid=(\d+)\x07/;

const SHELL = 'printf "\\033]1337;aic-pid=%s\\007" "$$"; if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

export async function openShell(d: Docker, containerId: string, size: { cols: number; rows: number }): Promise<Shell> {
  const container = d.getContainer(containerId);
  const exec = await container.exec({
    Cmd: ["/bin/sh", "-c", SHELL],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  const resize = async (cols: number, rows: number) => {
    await exec.resize({ w: cols, h: rows });
  };
  await resize(size.cols, size.rows).catch(() => undefined);
  return {
    stream,
    resize,
    exitCode: async () => ((await exec.inspect()) as { ExitCode: number | null }).ExitCode,
    kill: (pid: number) => runToEnd(container, ["/bin/sh", "-c", `kill -HUP -${pid} 2>/dev/null; kill -HUP ${pid} 2>/dev/null; true`]),
  };
}

/** Runs a short command in the container (output discarded) and waits for it to end. */
async function runToEnd(container: Docker.Container, cmd: string[]): Promise<void> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const s = (await exec.start({})) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve) => {
    s.on("end", resolve);
    s.on("error", () => resolve());
    s.resume();
  });
}

// startProcess: a command through `docker exec` (see Process in ./runtime).

/**
 * Docker's multiplexed exec output (8-byte headers: stream, 0, 0, 0, length) into stdout and
 * stderr. A frame is taken only once its destination has room, so backpressure reaches the
 * engine's stream.
 */
class Demuxer extends Writable {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(
    private readonly stdout: PassThrough,
    private readonly stderr: PassThrough,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    let wait: PassThrough | null = null;
    while (this.buffered.length >= 8) {
      const size = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + size) break;
      const target = this.buffered[0] === 2 ? this.stderr : this.stdout;
      const payload = this.buffered.subarray(8, 8 + size);
      this.buffered = this.buffered.subarray(8 + size);
      if (!target.write(payload)) wait = target;
    }
    if (wait) wait.once("drain", () => done());
    else done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.stdout.end();
    this.stderr.end();
    done();
  }
}

/** Where the wrapper notes the command's PID (in the container), for kill(). */
const pidFile = (token: string) => `/tmp/.aiinfra-${token}.pid`;

export async function startProcess(d: Docker, containerId: string, o: ProcessOptions): Promise<Process> {
  const container = d.getContainer(containerId);
  const token = randomBytes(8).toString("hex");
  const file = pidFile(token);
  // The wrapper shell leads the exec's process group (Docker makes it a session leader) and
  // notes its PID in a file, not in the output, which must stay byte-exact; it removes the
  // file when the command ends and exits with its status.
  const exec = await container.exec({
    Cmd: ["/bin/sh", "-c", 'echo $$ > "$0" 2>/dev/null; "$@"; s=$?; rm -f "$0" 2>/dev/null; exit $s', file, ...o.argv],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: Boolean(o.tty),
    Env: o.env,
    WorkingDir: o.workingDir,
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: Boolean(o.tty) })) as unknown as Duplex;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (o.tty) {
    stream.pipe(stdout);
    stderr.end();
  } else {
    // Docker's frames split into the two streams, with backpressure: a client that reads
    // slowly slows the command instead of filling the console's memory.
    stream.pipe(new Demuxer(stdout, stderr));
    stream.on("close", () => {
      stdout.end();
      stderr.end();
    });
  }
  stream.on("error", () => {
    stdout.end();
    stderr.end();
  });
  const resize = async (cols: number, rows: number) => {
    if (o.tty) await exec.resize({ w: cols, h: rows });
  };
  if (o.tty) await resize(o.tty.cols, o.tty.rows).catch(() => undefined);
  const done = new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
  return {
    stdin: stream,
    stdout,
    stderr,
    resize,
    exitCode: async () => {
      await done;
      // The stream can end a moment before the engine records the exit.
      for (let i = 0; i < 50; i++) {
        const info = (await exec.inspect()) as { Running: boolean; ExitCode: number | null };
        if (!info.Running) return info.ExitCode;
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    },
    kill: async () => {
      try {
        // The PID file may not be written yet when the command has only just started: wait a moment for it.
        await runToEnd(container, [
          "/bin/sh",
          "-c",
          'i=0; while [ ! -s "$0" ] && [ $i -lt 20 ]; do sleep 0.1 2>/dev/null || break; i=$((i+1)); done; p=$(cat "$0" 2>/dev/null); case "$p" in ""|*[!0-9]*) ;; *) kill -HUP "-$p" 2>/dev/null; kill -HUP "$p" 2>/dev/null ;; esac; rm -f "$0" 2>/dev/null; true',
          file,
        ]);
      } finally {
        stream.destroy();
      }
    },
  };
}
