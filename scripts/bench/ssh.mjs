#!/usr/bin/env node
// The SSH jump host: connect-to-prompt time of `ssh -tt` through the console (key exchange,
// public-key sign-in, a `docker exec` shell) against `docker exec -i <container> sh -il`
// on the same container (p50/p95 of BENCH_SSH_CONNECTS, and the ratio), then scp of a
// BENCH_SCP_MB (100) MB file up and down against `docker cp` of the same file.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const CONNECTS = Number(process.env.BENCH_SSH_CONNECTS ?? 20);
const SCP_MB = Number(process.env.BENCH_SCP_MB ?? 100);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `cmd`, types a command that prints READY, and answers the ms until READY comes back. */
function untilReady(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${cmd}: no prompt in 20 s: ${out.slice(-300)}`));
    }, 20_000);
    child.stdout.on("data", (d) => {
      out += d;
      // The shell's echo of the typed line holds RE""ADY; only its output holds READY.
      if (out.includes("READY")) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.stdin.end("exit\n");
        child.once("close", () => resolve(ms));
        setTimeout(() => child.kill(), 2_000);
      }
    });
    child.stdin.write('echo RE""ADY\n');
  });
}

function timed(fn) {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

printFacts("SSH jump host benchmark");
const c = await startConsole("sqlite", 3203);
const dir = mkdtempSync(path.join(os.tmpdir(), "aic-bench-ssh-"));
try {
  const { h, post } = await adminSession(c);
  const node = await post("/api/v1/nodes", { name: "bench-local", dockerAddress: "unix:///var/run/docker.sock", cpuCores: 64, memoryGb: 256 });
  await post(`/api/v1/nodes/${node.id}/test`, {});
  const image = await post("/api/v1/images", { name: "aic-app", address: "local/aic-app:latest" });
  const spec = await post("/api/v1/specs", { name: "cpu-2", cpuCores: 2, memoryGb: 2, pricePerHourCents: 100 });
  const instance = await post("/api/v1/instances", { name: "bench-ssh", imageId: image.id, specId: spec.id, nodeId: node.id });
  for (let i = 0; i < 300; i++) {
    const s = await (await fetch(`${c.url}/api/v1/instances/${instance.id}`, { headers: h })).json();
    if (s.status === "running") break;
    await sleep(100);
  }
  const key = path.join(dir, "key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  await post("/api/v1/users/me/ssh-keys", { name: "bench", publicKey: readFileSync(`${key}.pub`, "utf8") });
  const access = await (await fetch(`${c.url}/api/v1/instances/${instance.id}/ssh`, { headers: h })).json();
  const opts = [
    "-i",
    key,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
  ];
  const target = `${access.username}@127.0.0.1`;
  const container = `aic-${instance.id}`;

  // Warm both paths once (the first exec into a container is slower).
  await untilReady("ssh", ["-tt", "-p", String(access.port), ...opts, target]);
  await untilReady("docker", ["exec", "-i", container, "sh", "-il"]);
  const viaSsh = [];
  const viaExec = [];
  for (let i = 0; i < CONNECTS; i++) {
    viaSsh.push(await untilReady("ssh", ["-tt", "-p", String(access.port), ...opts, target]));
    viaExec.push(await untilReady("docker", ["exec", "-i", container, "sh", "-il"]));
  }
  console.table([
    { path: "ssh -tt through the jump host", "p50 ms": Math.round(pct(viaSsh, 50)), "p95 ms": Math.round(pct(viaSsh, 95)) },
    { path: "docker exec -i sh -il", "p50 ms": Math.round(pct(viaExec, 50)), "p95 ms": Math.round(pct(viaExec, 95)) },
  ]);
  console.log(
    `connect-to-prompt ratio (ssh / docker exec): p50 ${(pct(viaSsh, 50) / pct(viaExec, 50)).toFixed(2)}, p95 ${(pct(viaSsh, 95) / pct(viaExec, 95)).toFixed(2)} (${CONNECTS} each)`,
  );

  const file = path.join(dir, "payload.bin");
  execFileSync("sh", ["-c", `head -c ${SCP_MB * 1024 * 1024} /dev/urandom > ${file}`]);
  const mb = statSync(file).size / 1024 / 1024;
  const scp = ["-P", String(access.port), ...opts];
  const scpUp = timed(() => execFileSync("scp", [...scp, file, `${target}:/tmp/scp.bin`]));
  const scpDown = timed(() => execFileSync("scp", [...scp, `${target}:/tmp/scp.bin`, `${file}.scp`]));
  const cpUp = timed(() => execFileSync("docker", ["cp", file, `${container}:/tmp/cp.bin`]));
  const cpDown = timed(() => execFileSync("docker", ["cp", `${container}:/tmp/cp.bin`, `${file}.cp`]));
  const same = execFileSync("sh", ["-c", `cmp ${file} ${file}.scp && cmp ${file} ${file}.cp && echo same`], { encoding: "utf8" }).trim();
  console.table([
    { copy: `scp up (${Math.round(mb)} MB)`, seconds: scpUp.toFixed(2), "MB/s": Math.round(mb / scpUp) },
    { copy: "docker cp up", seconds: cpUp.toFixed(2), "MB/s": Math.round(mb / cpUp) },
    { copy: "scp down", seconds: scpDown.toFixed(2), "MB/s": Math.round(mb / scpDown) },
    { copy: "docker cp down", seconds: cpDown.toFixed(2), "MB/s": Math.round(mb / cpDown) },
  ]);
  console.log(`scp / docker cp throughput: up ${(cpUp / scpUp).toFixed(2)}, down ${(cpDown / scpDown).toFixed(2)}; files identical: ${same === "same"}`);
  await fetch(`${c.url}/api/v1/instances/${instance.id}`, { method: "DELETE", headers: h });
} finally {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
}
