import "server-only";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import type { Shell } from "./runtime";

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
    kill: async (pid: number) => {
      const killer = await container.exec({
        Cmd: ["/bin/sh", "-c", `kill -HUP -- -${pid} 2>/dev/null; kill -HUP ${pid} 2>/dev/null; true`],
        AttachStdout: true,
        AttachStderr: true,
      });
      const s = (await killer.start({})) as unknown as NodeJS.ReadableStream;
      await new Promise<void>((resolve) => {
        s.on("end", resolve);
        s.on("error", () => resolve());
        s.resume();
      });
    },
  };
}
