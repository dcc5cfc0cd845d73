import { describe, expect, it } from "vitest";
import { computeStats, dockerMessage, exitCodeOf, LogCollector, MAX_LOG_LINE, type RawStats } from "./containers";

// Samples shaped as the Engine API returns them (trimmed to the fields used).
const v1: RawStats = {
  read: "2026-11-22T07:00:01.000000000Z",
  cpu_stats: { cpu_usage: { total_usage: 2_000_000_000, percpu_usage: [1, 1, 1, 1] }, system_cpu_usage: 40_000_000_000 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 36_000_000_000 },
  memory_stats: { usage: 600 * 2 ** 20, limit: 2 ** 30, stats: { total_inactive_file: 88 * 2 ** 20, inactive_file: 1 } },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 200 }, eth1: { rx_bytes: 24, tx_bytes: 56 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: "Read", value: 4096 },
      { op: "Write", value: 8192 },
      { op: "Sync", value: 1 },
      { op: "Total", value: 12288 },
    ],
  },
  pids_stats: { current: 7 },
};
const v2: RawStats = {
  read: "2026-11-22T07:00:01Z",
  cpu_stats: { cpu_usage: { total_usage: 500_000_000 }, system_cpu_usage: 10_000_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 8_000_000_000 },
  memory_stats: { usage: 300 * 2 ** 20, limit: 2 ** 30, stats: { inactive_file: 44 * 2 ** 20 } },
  networks: { eth0: { rx_bytes: 5, tx_bytes: 6 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: "read", value: 10 },
      { op: "write", value: 20 },
    ],
  },
  pids_stats: { current: 3 },
};

describe("stats as the Docker CLI computes them", () => {
  it("cgroup v1: CPU over the system delta times CPUs, memory without inactive file cache", () => {
    expect(computeStats(v1)).toEqual({
      ts: "2026-11-22T07:00:01.000Z",
      cpuPercent: 100, // 1e9 / 4e9 * 4 CPUs
      memoryUsage: 512 * 2 ** 20,
      memoryLimit: 2 ** 30,
      memoryPercent: 50,
      networkRx: 1024,
      networkTx: 256,
      blockRead: 4096,
      blockWrite: 8192,
      pids: 7,
    });
  });

  it("cgroup v2: online_cpus, inactive_file, lower-case block IO ops", () => {
    expect(computeStats(v2)).toMatchObject({ cpuPercent: 50, memoryUsage: 256 * 2 ** 20, memoryPercent: 25, blockRead: 10, blockWrite: 20, pids: 3 });
  });

  it("a first sample (no previous reading) reports 0 % CPU, not garbage", () => {
    expect(computeStats({ ...v2, precpu_stats: {}, cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 0 } }).cpuPercent).toBe(0);
    expect(computeStats({}).memoryPercent).toBe(0);
  });
});

describe("logs", () => {
  const frame = (stream: 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };

  const collect = (chunks: Buffer[], tty: boolean, maxChars = 1 << 20) => {
    const c = new LogCollector(tty, maxChars);
    for (const chunk of chunks) c.push(chunk);
    return c.end();
  };

  it("splits multiplexed frames into stdout and stderr lines, joining lines split across frames", () => {
    const buf = Buffer.concat([frame(1, "hello\nwor"), frame(2, "oops\n"), frame(1, "ld\r\n")]);
    expect(collect([buf], false).lines).toEqual([
      { stream: "stdout", text: "hello" },
      { stream: "stderr", text: "oops" },
      { stream: "stdout", text: "world" },
    ]);
  });

  it("frames and UTF-8 characters cut anywhere by the network come out whole", () => {
    const buf = Buffer.concat([frame(1, "größe 42 °C\n"), frame(2, "错误\n")]);
    for (let cut = 1; cut < buf.length; cut++) {
      expect(collect([buf.subarray(0, cut), buf.subarray(cut)], false).lines).toEqual([
        { stream: "stdout", text: "größe 42 °C" },
        { stream: "stderr", text: "错误" },
      ]);
    }
  });

  it("a TTY log is plain stdout; a last line without newline is kept", () => {
    expect(collect([Buffer.from("a\nb")], true).lines).toEqual([
      { stream: "stdout", text: "a" },
      { stream: "stdout", text: "b" },
    ]);
  });

  it("keeps only the newest lines within the size bound and says so; a line without newlines is cut into pieces", () => {
    const many = Array.from({ length: 1000 }, (_, i) => frame(1, `line-${String(i).padStart(4, "0")}\n`));
    const tail = collect(many, false, 100);
    expect(tail.truncated).toBe(true);
    expect(tail.lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line-0${990 + i}`));
    expect(collect(many, false).truncated).toBe(false);

    // 200 MB written without a newline (what a hostile container can do) is held as bounded pieces.
    const chunk = Buffer.alloc(64 * 1024, "A");
    const c = new LogCollector(true, 256 * 1024);
    for (let i = 0; i < 3200; i++) c.push(chunk);
    const out = c.end();
    expect(out.truncated).toBe(true);
    expect(out.lines.every((l) => l.text.length <= MAX_LOG_LINE)).toBe(true);
    expect(out.lines.reduce((n, l) => n + l.text.length + 1, 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it("reads exit codes from the container list", () => {
    expect(exitCodeOf("Exited (137) 5 seconds ago")).toBe(137);
    expect(exitCodeOf("Up 3 minutes")).toBeNull();
  });
});

describe("Docker's reasons", () => {
  it("are read from the JSON body, or from the message of a streamed request (pulls), never just 'server error'", () => {
    expect(dockerMessage({ json: { message: "No such container: x" }, reason: "no such container" })).toBe("No such container: x");
    const pull = Object.assign(new Error('(HTTP code 500) server error - Get "https://nowhere.invalid/v2/": dial tcp: lookup nowhere.invalid: no such host '), {
      reason: "server error",
      json: null,
      statusCode: 500,
    });
    expect(dockerMessage(pull)).toBe('Get "https://nowhere.invalid/v2/": dial tcp: lookup nowhere.invalid: no such host');
    expect(dockerMessage({ reason: "server error" })).toBe("server error");
  });
});
