import "server-only";
import type { TNodeLoad, TQueue, TSystemStatus, TWorker } from "@/lib/contracts/jobs";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { freeCapacity } from "../nodes/capacity";
import { allNodes, heldByNode, type NodeRow } from "../nodes/nodes.repo";
import { updateNode } from "../nodes/nodes.service";
import { notFound } from "../http/errors";
import { toRunDto } from "./jobs.service";
import * as repo from "./jobs.repo";

// The queue as people look at it: waiting and running runs in order (each queued run says
// why it waits), the nodes as job workers (status, heartbeat = last health check, current
// runs, limit, tags), and the system's job status at a glance.

const QUEUE_SHOWN = 500;

export async function queue(p: Principal): Promise<TQueue> {
  const admin = isAdmin(p);
  const [queued, running] = await Promise.all([repo.queuedInOrder(QUEUE_SHOWN), repo.runningRuns(admin ? undefined : p.userId)]);
  const mine = (r: repo.RunRow) => admin || r.userId === p.userId;
  const items = [
    ...running.map((r) => ({ run: toRunDto(r), position: null })),
    ...queued.flatMap((r, i) => (mine(r) ? [{ run: toRunDto(r), position: i + 1 }] : [])),
  ];
  return { items, nodes: admin ? await nodeLoads() : null };
}

async function nodeLoads(): Promise<TNodeLoad[]> {
  const nodes = await allNodes();
  const [held, jobs] = await Promise.all([heldByNode(nodes.map((n) => n.id)), repo.runningRunsByNode()]);
  return nodes.map((n) => {
    const free = freeCapacity(n, held.get(n.id) ?? []);
    return {
      id: n.id,
      name: n.name,
      status: n.status,
      runningJobs: jobs.get(n.id) ?? 0,
      maxJobs: n.maxJobs,
      gpusUsed: n.gpuCount - free.wholeGpus,
      gpuCount: n.gpuCount,
      cpuUsed: n.cpuCores - free.cpuCores,
      cpuCores: n.cpuCores,
    };
  });
}

function toWorker(n: NodeRow, current: number, freeCpu: number): TWorker {
  const busy = (n.maxJobs > 0 && current >= n.maxJobs) || (n.cpuCores > 0 && freeCpu === 0);
  return {
    id: n.id,
    name: n.name,
    status: n.status !== "online" ? "offline" : busy ? "busy" : "online",
    lastHeartbeat: n.lastSeenAt?.toISOString() ?? null,
    currentRuns: current,
    maxJobs: n.maxJobs,
    tags: JSON.parse(n.tags) as string[],
    enabled: n.isListed,
  };
}

export async function listWorkers(): Promise<{ items: TWorker[] }> {
  const nodes = await allNodes();
  const [held, jobs] = await Promise.all([heldByNode(nodes.map((n) => n.id)), repo.runningRunsByNode()]);
  return { items: nodes.map((n) => toWorker(n, jobs.get(n.id) ?? 0, freeCapacity(n, held.get(n.id) ?? []).cpuCores)) };
}

export async function updateWorker(id: string, body: { maxJobs?: number; tags?: string[]; enabled?: boolean }): Promise<TWorker> {
  const change = { maxJobs: body.maxJobs, tags: body.tags, isListed: body.enabled };
  await updateNode(id, Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)));
  const worker = (await listWorkers()).items.find((w) => w.id === id);
  if (!worker) throw notFound("Worker");
  return worker;
}

export async function systemStatus(now = new Date()): Promise<TSystemStatus> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [jobs, runs, nodes, today] = await Promise.all([repo.jobsByStatus(), repo.runsByStatus(), allNodes(), repo.runsSince(midnight)]);
  const ended = today.ended;
  return {
    jobs: { total: jobs.active + jobs.paused + jobs.disabled, ...jobs },
    runs: { queued: runs.queued ?? 0, running: (runs.running ?? 0) + (runs.starting ?? 0) },
    workers: { total: nodes.length, online: nodes.filter((n) => n.status === "online").length, offline: nodes.filter((n) => n.status !== "online").length },
    runsToday: today.queued,
    successRate: ended > 0 ? Math.round((today.succeeded / ended) * 1000) / 10 : null,
  };
}
