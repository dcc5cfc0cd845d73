// The scheduler and the claims in a console's database (DATABASE_URL), through the console's
// own code: `tsx --conditions=react-server jobs-tick.ts <N>`. Seeds N active cron jobs (http,
// 03:00 daily, next fire tomorrow) of 100 users, times scheduler passes with none due, then
// with 1,000 due at once (runs queued), then claims those queued runs one at a time and 8 at
// once, and prints one JSON line.
import { db, disconnectDb } from "../../server/db/client";
import { claimRun } from "../../server/jobs/jobs.repo";
import { schedulePass } from "../../server/jobs/scheduler";

const n = Number(process.argv[2] ?? 10_000);
const tag = Date.now().toString(36);
const USERS = 100;
const users: string[] = [];
for (let u = 0; u < USERS; u++) {
  const id = `bench-${tag}-u${u}`;
  await db().user.create({ data: { id, username: `jobs-${tag}-${u}`, email: `jobs-${tag}-${u}@bench.local`, passwordHash: "-" }, select: { id: true } });
  users.push(id);
}
const tomorrow = new Date(Date.now() + 86_400_000);
const CHUNK = 1000;
for (let at = 0; at < n; at += CHUNK) {
  await db().job.createMany({
    data: Array.from({ length: Math.min(CHUNK, n - at) }, (_, k) => ({
      userId: users[(at + k) % USERS]!,
      name: `cron-${at + k}`,
      executor: "http",
      config: JSON.stringify({ method: "GET", url: "http://example.invalid/", headers: [], acceptStatus: [] }),
      timeoutSeconds: 60,
      trigger: "cron",
      cron: "0 3 * * *",
      timezone: "UTC",
      nextRunAt: tomorrow,
    })),
  });
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const idle: number[] = [];
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  await schedulePass();
  idle.push(performance.now() - t0);
}
// 1,000 due now: one pass queues a run for each (the scheduler takes at most 500 a pass: two passes).
const DUE = Math.min(1000, n);
const due = await db().job.findMany({ where: { name: { startsWith: "cron-" }, userId: { in: users } }, select: { id: true }, take: DUE });
const now = new Date(Date.now() - 200);
for (let i = 0; i < due.length; i += 500) {
  await db().job.updateMany({ where: { id: { in: due.slice(i, i + 500).map((d) => d.id) } }, data: { nextRunAt: now } });
}
const t0 = performance.now();
let queued = 0;
while (queued < DUE) {
  const made = await schedulePass();
  if (!made) break;
  queued += made;
}
const dueMs = performance.now() - t0;

// Claims: half one at a time, half 8 at once.
const runs = (await db().jobRun.findMany({ where: { status: "queued", userId: { in: users } }, select: { id: true } })).map((r) => r.id);
const half = Math.floor(runs.length / 2);
const until = new Date(Date.now() + 60_000);
let c0 = performance.now();
for (const id of runs.slice(0, half)) await claimRun(id, "bench", until, new Date());
const one = half / ((performance.now() - c0) / 1000);
const rest = runs.slice(half);
c0 = performance.now();
for (let i = 0; i < rest.length; i += 8) await Promise.all(rest.slice(i, i + 8).map((id) => claimRun(id, "bench", until, new Date())));
const eight = rest.length / ((performance.now() - c0) / 1000);
console.log(
  JSON.stringify({
    jobs: n,
    idleP50: pct(idle, 50).toFixed(1),
    idleP99: pct(idle, 99).toFixed(1),
    due: DUE,
    dueRuns: queued,
    dueMs: Math.round(dueMs),
    claims: runs.length,
    claimsPerSec: Math.round(one),
    claimsPerSec8: Math.round(eight),
  }),
);
await disconnectDb();
