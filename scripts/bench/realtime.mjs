#!/usr/bin/env node
// Realtime: keystroke echo latency through the console's /terminal against a raw
// `docker exec` attach on the same container (p50/p99 and their ratio), terminal
// throughput with flow control, server memory with 100 open terminals, and the console's
// CPU fanning live stats out to 50 subscribers (against 1).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { io } from "socket.io-client";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const KEYS = Number(process.env.BENCH_KEYSTROKES ?? 300);
const FLOOD_MB = Number(process.env.BENCH_FLOOD_MB ?? 50);
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 100);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50);
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function json(res) {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** The console process itself (the e2e launcher's child). */
function consolePid(launcherPid) {
  return Number(
    execFileSync("pgrep", ["-P", String(launcherPid)], { encoding: "utf8" })
      .trim()
      .split("\n")[0],
  );
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};

/** A shell-like endpoint: write(text), and wait until `pred(allOutput)` holds. */
function collector() {
  let out = "";
  const waiters = [];
  return {
    push(text) {
      // A window of the newest output is enough to find markers, and keeps this O(n).
      out = (out + text).slice(-8192);
      for (const w of [...waiters])
        if (w.pred(out)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    },
    until(pred) {
      if (pred(out)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    reset() {
      out = "";
    },
    get text() {
      return out;
    },
  };
}

/** Keystroke round trips: each key is echoed by the TTY; measure key → echo. */
async function echoLatency(write, out) {
  const samples = [];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < KEYS; i++) {
    const ch = letters[i % letters.length];
    out.reset();
    const t0 = performance.now();
    write(ch);
    await out.until((s) => s.includes(ch));
    samples.push(performance.now() - t0);
    if (i % 40 === 39) {
      write("\x15"); // Ctrl-U: clear the line
      await sleep(20);
    }
  }
  write("\x15");
  return samples;
}

async function throughput(write, out) {
  out.reset();
  const t0 = performance.now();
  write(`head -c ${FLOOD_MB * 1_000_000} /dev/zero | tr '\\0' a; echo; echo flood-$((40+2))-done\n`);
  await out.until((s) => s.includes("flood-42-done"));
  return FLOOD_MB / ((performance.now() - t0) / 1000);
}

async function openTerminal(url, token, instanceId) {
  const socket = io(`${url}/terminal`, { path: "/socket.io", transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  const out = collector();
  socket.on("data", (d, ack) => {
    out.push(d);
    ack?.();
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const reply = await socket.timeout(20_000).emitWithAck("open", { instanceId, cols: 120, rows: 40 });
  if (reply.error) throw new Error(reply.error.message);
  await out.until((s) => /[#$] /.test(s));
  return { socket, out, write: (d) => socket.emit("data", d) };
}

async function rawExec(containerName) {
  const d = new Docker({ socketPath: "/var/run/docker.sock" });
  const exec = await d.getContainer(containerName).exec({ Cmd: ["/bin/sh"], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const out = collector();
  stream.on("data", (b) => out.push(b.toString("utf8")));
  await sleep(300);
  return { stream, out, write: (d) => stream.write(d) };
}

printFacts("Realtime benchmark (console /terminal and /stats against a real container)");
const c = await startConsole("sqlite", 3221, { TERMINAL_MAX_PER_USER: String(TERMINALS + 10) });
const rows = [];
try {
  const { token, h, post } = await adminSession(c);
  const node = await post("/api/v1/nodes", { name: "bench-local", dockerAddress: "unix:///var/run/docker.sock", cpuCores: 64, memoryGb: 256 });
  await post(`/api/v1/nodes/${node.id}/test`, {});
  const image = await post("/api/v1/images", { name: "aic-app", address: "local/aic-app:latest" });
  const spec = await post("/api/v1/specs", { name: "cpu-2", cpuCores: 2, memoryGb: 2, pricePerHourCents: 100 });
  const instance = await post("/api/v1/instances", { name: "bench-shell", imageId: image.id, specId: spec.id, nodeId: node.id });
  for (;;) {
    const s = await json(await fetch(`${c.url}/api/v1/instances/${instance.id}`, { headers: h }));
    if (s.status === "running") break;
    if (s.status === "failed") throw new Error(s.statusMessage);
    await sleep(50);
  }
  const pid = consolePid(c.pid);

  // Echo latency and throughput: console vs raw exec.
  const term = await openTerminal(c.url, token, instance.id);
  const raw = await rawExec(`aic-${instance.id}`);
  const viaConsole = await echoLatency(term.write, term.out);
  const viaRaw = await echoLatency(raw.write, raw.out);
  rows.push({
    case: `keystroke echo p50 (${KEYS} keys)`,
    console: `${pct(viaConsole, 50).toFixed(2)} ms`,
    baseline: `raw exec ${pct(viaRaw, 50).toFixed(2)} ms`,
    ratio: (pct(viaConsole, 50) / pct(viaRaw, 50)).toFixed(2),
  });
  rows.push({
    case: "keystroke echo p99",
    console: `${pct(viaConsole, 99).toFixed(2)} ms`,
    baseline: `raw exec ${pct(viaRaw, 99).toFixed(2)} ms`,
    ratio: (pct(viaConsole, 99) / pct(viaRaw, 99)).toFixed(2),
  });
  const consoleMBs = await throughput(term.write, term.out);
  const rawMBs = await throughput(raw.write, raw.out);
  rows.push({
    case: `terminal throughput (${FLOOD_MB} MB, acked)`,
    console: `${consoleMBs.toFixed(1)} MB/s`,
    baseline: `raw exec ${rawMBs.toFixed(1)} MB/s`,
    ratio: (consoleMBs / rawMBs).toFixed(2),
  });
  raw.stream.destroy();
  term.socket.emit("close");
  term.socket.disconnect();

  // Memory with 100 open terminals.
  await sleep(1000);
  const before = rssMiB(pid);
  const many = [];
  for (let i = 0; i < TERMINALS; i++) many.push(await openTerminal(c.url, token, instance.id));
  await sleep(2000);
  const after = rssMiB(pid);
  rows.push({
    case: `server RSS with ${TERMINALS} terminals`,
    console: `${after.toFixed(0)} MiB`,
    baseline: `${before.toFixed(0)} MiB with none`,
    ratio: `${((after - before) / TERMINALS).toFixed(2)} MiB each`,
  });
  for (const t of many) {
    t.socket.emit("close");
    t.socket.disconnect();
  }

  // Stats fan-out: console CPU over FANOUT_SECONDS with 1 and with 50 subscribers.
  const fanout = async (n) => {
    const sockets = [];
    let received = 0;
    for (let i = 0; i < n; i++) {
      const s = io(`${c.url}/stats`, { path: "/socket.io", transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
      s.on("stats", () => received++);
      await new Promise((resolve) => s.once("connect", resolve));
      const r = await s.timeout(10_000).emitWithAck("subscribe", { instanceId: instance.id });
      if (!r.ok) throw new Error(JSON.stringify(r));
      sockets.push(s);
    }
    await sleep(1500);
    received = 0;
    const cpu0 = cpuSeconds(pid);
    await sleep(FANOUT_SECONDS * 1000);
    const cpu = cpuSeconds(pid) - cpu0;
    for (const s of sockets) s.disconnect();
    await sleep(500);
    return { cpuPercent: (cpu / FANOUT_SECONDS) * 100, perSecond: received / FANOUT_SECONDS };
  };
  const one = await fanout(1);
  const fifty = await fanout(SUBSCRIBERS);
  rows.push({
    case: `stats fan-out, ${SUBSCRIBERS} subscribers`,
    console: `${fifty.cpuPercent.toFixed(1)} % CPU, ${fifty.perSecond.toFixed(0)} msgs/s`,
    baseline: `1 subscriber: ${one.cpuPercent.toFixed(1)} % CPU`,
    ratio: (fifty.cpuPercent / Math.max(0.1, one.cpuPercent)).toFixed(2),
  });

  await json(await fetch(`${c.url}/api/v1/instances/${instance.id}`, { method: "DELETE", headers: h }));
} finally {
  await c.stop();
}
console.table(rows);
process.exit(0);
