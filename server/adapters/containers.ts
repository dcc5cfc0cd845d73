import "server-only";
import { PassThrough, type Readable, Transform } from "node:stream";
import type Docker from "dockerode";
import tar from "tar-stream";
import { DEFAULT_LOG_CHARS, type FileEntry, type LogLine, type LogOptions, type LogTail, type Stats, type WorkloadState } from "./runtime";

// Containers and volumes on a node's engine: idempotent operations (a 304 "already in that
// state" or 404 "already gone" is success where the caller wants that end state), logs and
// stats computed as the Docker CLI computes them.

type DockerError = { statusCode?: number; json?: { message?: string }; reason?: string; message?: string };
const status = (err: unknown) => (err as DockerError)?.statusCode;

/** Docker's own words for an engine error. */
export function dockerMessage(err: unknown): string {
  const e = err as DockerError;
  if (e?.json?.message) return e.json.message.trim();
  // Streamed requests (pulls, logs) carry Docker's own words only in the message:
  // "(HTTP code 500) server error - <Docker's reason> ".
  const cause = typeof e?.message === "string" ? /^\(HTTP code \d+\) [^-]*- ([\s\S]+)$/.exec(e.message)?.[1]?.trim() : undefined;
  return (cause || e?.reason || e?.message || String(err)).trim();
}

export type ContainerState = WorkloadState & {
  /** Host configuration, for checks (limits, mounts, devices). */
  hostConfig: Docker.HostConfig;
};

export async function inspectContainer(d: Docker, nameOrId: string): Promise<ContainerState | null> {
  try {
    const c = await d.getContainer(nameOrId).inspect();
    const zero = (t: string | undefined) => (!t || t.startsWith("0001-01-01") ? null : t);
    return {
      id: c.Id,
      state: c.State.Status,
      running: c.State.Running,
      exitCode: c.State.ExitCode,
      error: c.State.Error ?? "",
      startedAt: zero(c.State.StartedAt),
      finishedAt: zero(c.State.FinishedAt),
      oomKilled: c.State.OOMKilled,
      tty: c.Config.Tty,
      labels: c.Config.Labels ?? {},
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
      hostConfig: c.HostConfig,
    };
  } catch (err) {
    if (status(err) === 404) return null;
    throw err;
  }
}

export async function createVolume(d: Docker, name: string, labels: Record<string, string>): Promise<void> {
  // Creating an existing named volume returns it: idempotent.
  await d.createVolume({ Name: name, Labels: labels });
}

export async function createContainer(d: Docker, spec: Docker.ContainerCreateOptions): Promise<string> {
  const c = await d.createContainer(spec);
  return c.id;
}

export async function startContainer(d: Docker, id: string): Promise<void> {
  try {
    await d.getContainer(id).start();
  } catch (err) {
    if (status(err) !== 304) throw err;
  }
}

export async function stopContainer(d: Docker, id: string, graceSeconds = 10): Promise<void> {
  try {
    await d.getContainer(id).stop({ t: graceSeconds });
  } catch (err) {
    if (status(err) !== 304 && status(err) !== 404) throw err;
  }
}

export async function restartContainer(d: Docker, id: string, graceSeconds = 10): Promise<void> {
  await d.getContainer(id).restart({ t: graceSeconds });
}

/** Removes a container (running or not); a missing one is already removed. */
export async function removeContainer(d: Docker, id: string): Promise<void> {
  try {
    await d.getContainer(id).remove({ force: true, v: false });
  } catch (err) {
    if (status(err) !== 404 && !/already in progress/i.test(dockerMessage(err))) throw err;
  }
}

/** Removes a volume; a missing one is already removed. */
export async function removeVolume(d: Docker, name: string): Promise<void> {
  try {
    await d.getVolume(name).remove();
  } catch (err) {
    if (status(err) !== 404) throw err;
  }
}

export type ManagedContainer = { id: string; name: string; state: string; exitCode: number | null; labels: Record<string, string>; networks: string[] };

/** The exit code in a container list's status text ("Exited (137) 5 seconds ago"). */
export function exitCodeOf(status: string): number | null {
  const m = /Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : null;
}

/** Every container (running or not) carrying each of `labels` ("key=value"). */
export async function listLabelled(d: Docker, labels: string[]): Promise<ManagedContainer[]> {
  const list = await d.listContainers({ all: true, filters: { label: labels } });
  return list.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? "").replace(/^\//, ""),
    state: c.State,
    exitCode: exitCodeOf(c.Status),
    labels: c.Labels ?? {},
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
  }));
}

// --- Logs ---------------------------------------------------------------------------------

/** Docker splits longer lines into pieces of this size; a longer partial line is kept as pieces too. */
export const MAX_LOG_LINE = 16 * 1024;

/**
 * A log's lines, collected as Docker's bytes arrive and bounded in memory: the newest lines
 * up to `maxChars` are kept (older ones are dropped, and `truncated` says so), a line without
 * a newline is cut into MAX_LOG_LINE pieces. A multiplexed log (8-byte frame headers: stream,
 * 0, 0, 0, size) is split into stdout and stderr lines; a TTY container's log is plain stdout.
 * Carriage returns of progress bars are dropped at line ends.
 */
export class LogCollector {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial = { stdout: "", stderr: "" };
  private readonly decoders = { stdout: new TextDecoder("utf-8"), stderr: new TextDecoder("utf-8") };
  private kept: LogLine[] = [];
  private first = 0;
  private chars = 0;
  truncated = false;

  constructor(
    private readonly tty: boolean,
    private readonly maxChars: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.tty) {
      this.text("stdout", chunk);
      return;
    }
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      this.text(buf[0] === 2 ? "stderr" : "stdout", buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    this.pending = Buffer.from(buf);
  }

  end(): LogTail {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      if (rest) this.keep(stream, rest.replace(/\r$/, ""));
      this.partial[stream] = "";
    }
    return { lines: this.kept.slice(this.first), truncated: this.truncated };
  }

  private text(stream: "stdout" | "stderr", bytes: Buffer): void {
    const pieces = (this.partial[stream] + this.decoders[stream].decode(bytes, { stream: true })).split("\n");
    let rest = pieces.pop()!;
    for (const line of pieces) this.keep(stream, line.replace(/\r$/, ""));
    while (rest.length > MAX_LOG_LINE) {
      this.keep(stream, rest.slice(0, MAX_LOG_LINE));
      rest = rest.slice(MAX_LOG_LINE);
    }
    this.partial[stream] = rest;
  }

  private keep(stream: "stdout" | "stderr", text: string): void {
    this.kept.push({ stream, text });
    this.chars += text.length + 1;
    while (this.chars > this.maxChars && this.first < this.kept.length - 1) {
      this.chars -= this.kept[this.first]!.text.length + 1;
      this.first++;
      this.truncated = true;
    }
    if (this.first > 1024 && this.first * 2 > this.kept.length) {
      this.kept = this.kept.slice(this.first);
      this.first = 0;
    }
  }
}

type LogQuery = { tail: number | "all"; since?: number; timestamps: boolean; follow?: boolean };

/**
 * The container's log so far as Docker's raw byte stream. Asked through the modem directly:
 * dockerode's logs() without follow buffers the whole log and even JSON-parses a log that
 * looks like JSON.
 */
function rawLogs(d: Docker, id: string, o: LogQuery): Promise<Readable> {
  return new Promise((resolve, reject) => {
    d.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: "GET",
        isStream: true,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        options: { follow: o.follow ?? false, stdout: true, stderr: true, tail: String(o.tail), since: o.since ?? 0, timestamps: o.timestamps },
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Readable)),
    );
  });
}

export async function containerLogs(d: Docker, id: string, tty: boolean, o: LogOptions): Promise<LogTail> {
  const raw = await rawLogs(d, id, { tail: o.tail ?? 100, since: o.since, timestamps: o.timestamps ?? false });
  // Split per frame (not demultiplexed into one stream) so lines say where they came from.
  const lines = new LogCollector(tty, o.maxChars ?? DEFAULT_LOG_CHARS);
  for await (const chunk of raw) lines.push(chunk as Buffer);
  return lines.end();
}

/** The whole log as a byte stream (stdout and stderr interleaved as written), for downloads; `follow`: and what comes. */
export async function containerLogStream(d: Docker, id: string, tty: boolean, timestamps: boolean, follow = false): Promise<Readable> {
  const raw = await rawLogs(d, id, { tail: "all", timestamps, follow });
  if (tty) return raw;
  const out = new PassThrough();
  d.modem.demuxStream(raw, out, out);
  raw.on("end", () => out.end());
  raw.on("error", (err) => out.destroy(err));
  out.on("close", () => raw.destroy());
  return out;
}

// --- Stats --------------------------------------------------------------------------------

export type RawStats = {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number };
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The numbers `docker stats` shows, from one stats sample (cgroup v1 or v2). */
export function computeStats(s: RawStats): Stats {
  const cpu = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const onlineCpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 0;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  // Page cache that can be reclaimed is not "used": cgroup v1 total_inactive_file, v2 inactive_file.
  const mem = s.memory_stats ?? {};
  const usage = mem.usage ?? 0;
  const stats = mem.stats ?? {};
  let memoryUsage = usage;
  if (stats.total_inactive_file !== undefined && stats.total_inactive_file < usage) memoryUsage = usage - stats.total_inactive_file;
  else if (stats.inactive_file !== undefined && stats.inactive_file < usage) memoryUsage = usage - stats.inactive_file;
  const memoryLimit = mem.limit ?? 0;

  let networkRx = 0;
  let networkTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    networkRx += n.rx_bytes ?? 0;
    networkTx += n.tx_bytes ?? 0;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? "").toLowerCase();
    if (op.startsWith("r")) blockRead += e.value ?? 0;
    else if (op.startsWith("w")) blockWrite += e.value ?? 0;
  }
  return {
    ts: s.read && !s.read.startsWith("0001-01-01") ? new Date(s.read).toISOString() : new Date().toISOString(),
    cpuPercent: round2(cpuPercent),
    memoryUsage,
    memoryLimit,
    memoryPercent: memoryLimit > 0 ? round2((memoryUsage / memoryLimit) * 100) : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pids: s.pids_stats?.current ?? 0,
  };
}

/** One sample (the engine waits for a second reading so the CPU delta is real). */
export async function containerStats(d: Docker, id: string): Promise<Stats> {
  const raw = (await d.getContainer(id).stats({ stream: false })) as RawStats;
  return computeStats(raw);
}

/**
 * The engine's stats stream (one JSON sample per line) as an object-mode stream of Stats,
 * ending with the engine's last word for a stopped container (an empty sample).
 */
export function statsParser(): Transform {
  let buffer = "";
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _enc, done) {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        let raw: RawStats;
        try {
          raw = JSON.parse(line) as RawStats;
        } catch {
          continue; // a torn line: the next one comes within a second
        }
        // A stopped container's last sample has a zero read time: the stream is over.
        if (raw.read?.startsWith("0001-01-01")) {
          this.push(null);
          return done();
        }
        this.push(computeStats(raw));
      }
      done();
    },
  });
}

// --- Files --------------------------------------------------------------------------------

/** Writes files into a container (created or running) as one tar archive extracted under `dir`. */
export async function putFiles(d: Docker, id: string, dir: string, files: FileEntry[]): Promise<void> {
  const pack = tar.pack();
  for (const f of files) {
    const header = { name: f.name, mode: f.mode, mtime: new Date(), type: f.type ?? "file", linkname: f.linkname };
    if (f.type === "directory" || f.type === "symlink") pack.entry(header);
    else pack.entry(header, f.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  await d.getContainer(id).putArchive(Buffer.concat(chunks), { path: dir });
}
