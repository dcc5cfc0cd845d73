import "server-only";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FileEntry, Runtime } from "../../adapters/runtime";
import { logger } from "../../logger";

// Tools the jump host brings into an instance whose image lacks them: sftp-server (sftp and
// scp), scp (legacy `scp -O`), rsync, and busybox (whose nc relays -L forwards inside the
// container's network). They are the console host's own Debian binaries with the shared
// libraries they link (glibc included) and glibc's loader, run through that loader, so they
// work in any Linux image of the same architecture (Debian, Alpine's musl, busybox) as long
// as it has /bin/sh. They go to /.aiinfra once per container, on the first SSH use that
// needs them, and come last on PATH: the image's own tools win.

export const TOOLS_DIR = "/.aiinfra";
export const TOOLS_PATH = `${TOOLS_DIR}/bin`;

type Tool = { name: string; candidates: string[] };
const TOOLS: Tool[] = [
  { name: "sftp-server", candidates: ["/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/lib/ssh/sftp-server"] },
  { name: "scp", candidates: ["/usr/bin/scp"] },
  { name: "rsync", candidates: ["/usr/bin/rsync"] },
  { name: "busybox", candidates: ["/bin/busybox", "/usr/bin/busybox"] },
];

/** The image's sftp-server where images keep it, else ours. */
export const SFTP_COMMAND = [
  "/bin/sh",
  "-c",
  `for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server /usr/libexec/sftp-server /usr/lib/sftp-server; do [ -x "$p" ] && exec "$p"; done; exec ${TOOLS_PATH}/sftp-server`,
];

/** A TCP relay from the command's stdin/stdout to `port` on the container's own loopback. */
export function relayCommand(host: "127.0.0.1" | "::1", port: number): string[] {
  return [`${TOOLS_PATH}/busybox`, "nc", host, String(port)];
}

/** Shared libraries a binary needs (ldd), with the loader; empty for a static one. */
function linkedLibraries(binary: string): { libs: string[]; loader: string | null } {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return { libs: [], loader: null }; // "not a dynamic executable"
  }
  const libs: string[] = [];
  let loader: string | null = null;
  for (const line of out.split("\n")) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    if (arrow) libs.push(arrow[1]!);
    else if (/^\s*(\/\S+ld-linux\S*)/.test(line)) loader = /^\s*(\/\S+)/.exec(line)![1]!;
  }
  return { libs, loader };
}

function buildBundle(): { files: FileEntry[]; tools: string[] } {
  const files: FileEntry[] = [
    { name: ".aiinfra", content: "", mode: 0o755, type: "directory" },
    { name: ".aiinfra/bin", content: "", mode: 0o755, type: "directory" },
    { name: ".aiinfra/lib", content: "", mode: 0o755, type: "directory" },
    { name: ".aiinfra/libexec", content: "", mode: 0o755, type: "directory" },
  ];
  const libs = new Map<string, string>();
  let loader: string | null = null;
  const tools: string[] = [];
  for (const tool of TOOLS) {
    const binary = tool.candidates.find((c) => existsSync(c));
    if (!binary) continue;
    const linked = linkedLibraries(binary);
    tools.push(tool.name);
    if (!linked.loader) {
      files.push({ name: `.aiinfra/bin/${tool.name}`, content: readFileSync(binary), mode: 0o755 });
      continue;
    }
    loader = linked.loader;
    for (const lib of linked.libs) libs.set(path.basename(lib), lib);
    files.push({ name: `.aiinfra/libexec/${tool.name}`, content: readFileSync(binary), mode: 0o755 });
    files.push({
      name: `.aiinfra/bin/${tool.name}`,
      content: `#!/bin/sh\nexec ${TOOLS_DIR}/lib/ld.so --library-path ${TOOLS_DIR}/lib --argv0 ${tool.name} ${TOOLS_DIR}/libexec/${tool.name} "$@"\n`,
      mode: 0o755,
    });
  }
  if (loader) files.push({ name: ".aiinfra/lib/ld.so", content: readFileSync(loader), mode: 0o755 });
  for (const [name, file] of libs) files.push({ name: `.aiinfra/lib/${name}`, content: readFileSync(file), mode: 0o644 });
  return { files, tools };
}

let bundle: ReturnType<typeof buildBundle> | undefined;
function toolBundle() {
  if (!bundle) {
    bundle = buildBundle();
    logger.info({ tools: bundle.tools }, "SSH tool bundle ready");
  }
  return bundle;
}

/** Containers (by engine id) that have the tools, or are being given them. */
const given = new Map<string, Promise<void>>();

/** Puts the tools into the container once (per container id, per console process). */
export function ensureTools(rt: Runtime, containerId: string): Promise<void> {
  let pending = given.get(containerId);
  if (!pending) {
    pending = rt.putFiles(containerId, "/", toolBundle().files);
    given.set(containerId, pending);
    pending.catch(() => given.delete(containerId));
    if (given.size > 10_000) given.delete(given.keys().next().value!);
  }
  return pending;
}
