#!/usr/bin/env node
// The app proxy: an HTTP app in an instance (local/aic-web) reached through the console's app
// listener (grant check, relay inside the container, httpxy) against the same app reached
// directly at the container's address from this host: latency of one small request (p50/p95
// of BENCH_APPS_REQUESTS, one at a time, kept-alive connections), requests per second with 16
// at once for BENCH_APPS_SECONDS, websocket echo round trips, and the console's memory with
// BENCH_APPS_SOCKETS websockets held open.
import { execFileSync } from "node:child_process";
import { Agent, request } from "node:http";
import WebSocket from "ws";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const REQUESTS = Number(process.env.BENCH_APPS_REQUESTS ?? 500);
const SECONDS = Number(process.env.BENCH_APPS_SECONDS ?? 5);
const SOCKETS = Number(process.env.BENCH_APPS_SOCKETS ?? 100);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A small cookie jar for one browser-like client (cookies by name; the paths here never clash). */
function jar() {
  const cookies = new Map();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    take(res) {
      for (const line of res.headers.getSetCookie?.() ?? []) {
        const [pair] = line.split(";");
        const eq = pair.indexOf("=");
        cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    },
  };
}

/** GET with the jar, following redirects by hand (cookies set on the way kept). */
async function follow(j, url) {
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { headers: { cookie: j.header(), accept: "text/html" }, redirect: "manual" });
    j.take(res);
    if (res.status < 300 || res.status >= 400) return res;
    url = new URL(res.headers.get("location"), url).toString();
  }
  throw new Error("too many redirects");
}

function get(agent, url, cookie) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });
}

async function latency(url, cookie) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  for (let i = 0; i < 20; i++) await get(agent, url, cookie);
  const ms = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    const status = await get(agent, url, cookie);
    if (status !== 200) throw new Error(`${url}: ${status}`);
    ms.push(performance.now() - t);
  }
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < until) {
        await get(agent, url, cookie);
        done++;
      }
    }),
  );
  agent.destroy();
  return { p50: pct(ms, 50), p95: pct(ms, 95), rps: done / SECONDS };
}

function openSocket(url, cookie, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), origin } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

async function echoes(url, cookie, origin) {
  const ws = await openSocket(url, cookie, origin);
  const ms = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await new Promise((resolve) => {
      ws.once("message", resolve);
      ws.send(`ping ${i}`);
    });
    ms.push(performance.now() - t);
  }
  ws.close();
  return { p50: pct(ms, 50), p95: pct(ms, 95) };
}

const rssMb = (pid) => Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) / 1024;
/** The console process (scripts/e2e-server.mjs starts it as its child). */
const consolePid = (wrapper) =>
  Number(
    execFileSync("pgrep", ["-P", String(wrapper)], { encoding: "utf8" })
      .trim()
      .split("\n")[0],
  );

printFacts("App proxy benchmark");
const port = 3204;
const c = await startConsole("sqlite", port);
try {
  const { h, post } = await adminSession(c);
  const node = await post("/api/v1/nodes", { name: "bench-local", dockerAddress: "unix:///var/run/docker.sock", cpuCores: 64, memoryGb: 256 });
  await post(`/api/v1/nodes/${node.id}/test`, {});
  const image = await post("/api/v1/images", { name: "aic-web", address: "local/aic-web:latest", apps: [{ port: 8000, name: "Web" }] });
  const spec = await post("/api/v1/specs", { name: "cpu-2", cpuCores: 2, memoryGb: 2, pricePerHourCents: 100 });
  const instance = await post("/api/v1/instances", { name: "bench-apps", imageId: image.id, specId: spec.id, nodeId: node.id });
  for (let i = 0; i < 300; i++) {
    const s = await (await fetch(`${c.url}/api/v1/instances/${instance.id}`, { headers: h })).json();
    if (s.status === "running") break;
    await sleep(100);
  }
  const container = `aic-${instance.id}`;
  const ip = execFileSync("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container], { encoding: "utf8" }).trim();

  // A browser's sign-in (the session cookie), then the console's link to the app.
  const j = jar();
  const csrf = await fetch(`${c.url}/api/auth/csrf`);
  j.take(csrf);
  const { csrfToken } = await csrf.json();
  const signedIn = await fetch(`${c.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: j.header() },
    body: new URLSearchParams({ csrfToken, username: "admin", password: c.adminPassword, json: "true" }),
    redirect: "manual",
  });
  j.take(signedIn);
  const appsOrigin = `http://127.0.0.1:${port + 21000}`;
  for (let i = 0; i < 100 && (await follow(j, `${c.url}/apps/${instance.id}/8000/headers`)).status !== 200; i++) await sleep(200);
  const cookie = j.header();

  const proxied = await latency(`${appsOrigin}/apps/${instance.id}/8000/headers`, cookie);
  const direct = await latency(`http://${ip}:8000/headers`);
  console.table([
    { path: "through the app proxy", "p50 ms": proxied.p50.toFixed(2), "p95 ms": proxied.p95.toFixed(2), "req/s (16 at once)": Math.round(proxied.rps) },
    { path: "direct to the container", "p50 ms": direct.p50.toFixed(2), "p95 ms": direct.p95.toFixed(2), "req/s (16 at once)": Math.round(direct.rps) },
  ]);
  const wsProxied = await echoes(`${appsOrigin.replace("http", "ws")}/apps/${instance.id}/8000/ws`, cookie, appsOrigin);
  const wsDirect = await echoes(`ws://${ip}:8000/ws`, null, `http://${ip}:8000`);
  console.table([
    { websocket: "echo through the app proxy", "p50 ms": wsProxied.p50.toFixed(2), "p95 ms": wsProxied.p95.toFixed(2) },
    { websocket: "echo direct", "p50 ms": wsDirect.p50.toFixed(2), "p95 ms": wsDirect.p95.toFixed(2) },
  ]);

  const pid = consolePid(c.pid);
  const before = rssMb(pid);
  const sockets = [];
  for (let i = 0; i < SOCKETS; i++) sockets.push(await openSocket(`${appsOrigin.replace("http", "ws")}/apps/${instance.id}/8000/ws`, cookie, appsOrigin));
  await sleep(1000);
  const held = rssMb(pid);
  for (const ws of sockets) ws.close();
  console.log(
    `console RSS: ${before.toFixed(0)} MB before, ${held.toFixed(0)} MB with ${SOCKETS} websockets open through the proxy (${((held - before) / SOCKETS).toFixed(2)} MB each)`,
  );
  console.log(`latency ratio (proxy / direct): p50 ${(proxied.p50 / direct.p50).toFixed(2)}; throughput ratio ${(proxied.rps / direct.rps).toFixed(2)}`);
  await fetch(`${c.url}/api/v1/instances/${instance.id}`, { method: "DELETE", headers: h });
} finally {
  await c.stop();
}
