import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { allowlistOf } from "../adapters/egress";
import { env } from "../env";
import { on } from "../events";
import { CLIENT_IP_HEADER } from "../http/client-ip";
import { logger } from "../logger";
import { metricsAccess, tokenHash } from "../settings/settings.service";
import { processSingleton } from "../singleton";
import { VERSION } from "../system/version";
import * as repo from "./exporter.repo";

// GET /metrics for Prometheus, served by the console's own HTTP server (not a Next.js route:
// one registry per process, shared by the route handlers' bundle and the server's). The
// platform's state is read from the database at each scrape (a few grouped queries); request
// durations, ledger volume and sessions are counted in the process. Per-GPU series carry
// NVIDIA dcgm-exporter's names, units and labels, so its Grafana dashboards work unchanged;
// a GPU's holders are on aiinfra_gpu_allocation_memory_bytes (join on Hostname and gpu).
// Access: client addresses in the metricsAllowlist setting, or the metrics bearer token.

const GIB = 1024 ** 3;

type Metrics = ReturnType<typeof create>;

function create() {
  const registry = new Registry();
  const r = [registry];
  // Both label sets of the GPU series are made; the one the settings ask for is registered at each scrape.
  const dcgmSet = (modelLabel: string) => {
    const g = (name: string, help: string) => new Gauge({ name, help, labelNames: ["gpu", "UUID", "device", modelLabel, "Hostname"], registers: [] });
    return {
      util: g("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %)."),
      fbUsed: g("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB)."),
      fbFree: g("DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB)."),
      temp: g("DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C)."),
      power: g("DCGM_FI_DEV_POWER_USAGE", "Power draw (in W)."),
    };
  };
  return {
    registry,
    build: new Gauge({ name: "aiinfra_build_info", help: "The console's version (value 1).", labelNames: ["version"], registers: r }),
    http: new Histogram({
      name: "aiinfra_http_request_duration_seconds",
      help: "API request durations by route template, method and status.",
      labelNames: ["route", "method", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    instances: new Gauge({
      name: "aiinfra_instances",
      help: "Instances by status and node (deleted ones left out).",
      labelNames: ["status", "node"],
      registers: r,
    }),
    runs: new Gauge({ name: "aiinfra_job_runs", help: "Job runs queued, starting and running.", labelNames: ["state"], registers: r }),
    queue: new Gauge({ name: "aiinfra_job_queue_depth", help: "Job runs waiting in the queue.", registers: r }),
    nodeUp: new Gauge({ name: "aiinfra_node_up", help: "Whether the node's Docker engine answers (1) or not (0).", labelNames: ["node"], registers: r }),
    gpus: new Gauge({ name: "aiinfra_node_gpus", help: "GPUs a node has.", labelNames: ["node", "model"], registers: r }),
    gpusAllocated: new Gauge({
      name: "aiinfra_node_gpus_allocated",
      help: "GPUs held by instances and job runs (shared GPUs count once).",
      labelNames: ["node"],
      registers: r,
    }),
    cpu: new Gauge({ name: "aiinfra_node_cpu_cores", help: "CPU cores a node offers.", labelNames: ["node"], registers: r }),
    cpuAllocated: new Gauge({
      name: "aiinfra_node_cpu_cores_allocated",
      help: "CPU cores held by instances and job runs.",
      labelNames: ["node"],
      registers: r,
    }),
    memory: new Gauge({ name: "aiinfra_node_memory_bytes", help: "Memory a node offers.", labelNames: ["node"], registers: r }),
    memoryAllocated: new Gauge({
      name: "aiinfra_node_memory_allocated_bytes",
      help: "Memory held by instances and job runs.",
      labelNames: ["node"],
      registers: r,
    }),
    holders: new Gauge({
      name: "aiinfra_gpu_allocation_memory_bytes",
      help: "GPU memory held by an instance or job run on a GPU (a whole GPU: all of it).",
      labelNames: ["Hostname", "gpu", "UUID", "instance_id", "instance_name", "user", "kind"],
      registers: r,
    }),
    dcgm: { modelName: dcgmSet("modelName"), model_name: dcgmSet("model_name") },
    terminals: new Gauge({ name: "aiinfra_terminal_sessions", help: "Web terminal sessions open in this console process.", registers: r }),
    ssh: new Gauge({ name: "aiinfra_ssh_sessions", help: "SSH connections through this console process's jump host.", registers: r }),
    webhooks: new Counter({
      name: "aiinfra_webhook_deliveries_total",
      help: "Webhook delivery attempts by event type and result.",
      labelNames: ["event", "result"],
      registers: r,
    }),
    ledgerEntries: new Counter({
      name: "aiinfra_ledger_entries_total",
      help: "Ledger entries written by this process, by kind.",
      labelNames: ["kind"],
      registers: r,
    }),
    ledgerVolume: new Counter({
      name: "aiinfra_ledger_volume_cents_total",
      help: "Money moved by ledger entries written by this process, in cents, by kind and direction.",
      labelNames: ["kind", "direction"],
      registers: r,
    }),
    scrape: new Gauge({ name: "aiinfra_metrics_scrape_duration_seconds", help: "How long reading the platform's state for this scrape took.", registers: r }),
  };
}

const metrics = (): Metrics =>
  processSingleton("metrics", () => {
    const m = create();
    on("ledger.posted", ({ kind, amountCents }) => {
      m.ledgerEntries.inc({ kind });
      if (amountCents) m.ledgerVolume.inc({ kind, direction: amountCents > 0 ? "credit" : "debit" }, Math.abs(amountCents));
    });
    return m;
  });

/** The GPU series under the label set the settings ask for (dcgm-exporter's camelCase `modelName`, or `model_name`). */
function gpuSeries(m: Metrics, camel: boolean) {
  const model = camel ? "modelName" : "model_name";
  const set = m.dcgm[model];
  for (const g of Object.values(set)) {
    const { name } = g as unknown as { name: string };
    if (m.registry.getSingleMetric(name) !== g) {
      m.registry.removeSingleMetric(name);
      m.registry.registerMetric(g);
    }
  }
  return { set, model };
}

/** Counts an API request (the route wrapper calls it). */
export function observeRequest(route: string, method: string, status: number, seconds: number): void {
  metrics().http.observe({ route, method, status: String(status) }, seconds);
}

/** Counts a webhook delivery attempt. */
export function countWebhookDelivery(event: string, result: "success" | "failure"): void {
  metrics().webhooks.inc({ event, result });
}

const sessionSources = processSingleton("metrics-sessions", () => new Map<"terminal" | "ssh", () => number>());

/** Where the number of open sessions of a kind is read at each scrape. */
export function countSessions(kind: "terminal" | "ssh", count: () => number): void {
  sessionSources.set(kind, count);
}

/** Reads the platform's state into the gauges. */
async function refresh(m: Metrics, dcgmModelName: boolean): Promise<void> {
  const started = performance.now();
  const pollMs = env().GPU_POLL_SEC * 1000;
  const [nodes, allocations, instances, runs, readings] = await Promise.all([
    repo.nodesForMetrics(),
    repo.allocationsForMetrics(),
    repo.instancesByStatusAndNode(),
    repo.activeRunsByStatus(),
    // A reading older than three polls says nothing about now.
    repo.latestGpuReadings(new Date(Date.now() - Math.max(3 * pollMs, 60_000))),
  ]);
  const nodeName = new Map(nodes.map((n) => [n.id, n.name]));
  for (const g of [m.instances, m.runs, m.nodeUp, m.gpus, m.gpusAllocated, m.cpu, m.cpuAllocated, m.memory, m.memoryAllocated, m.holders]) g.reset();

  m.build.reset();
  m.build.set({ version: VERSION }, 1);
  for (const i of instances) m.instances.inc({ status: i.status, node: (i.nodeId && nodeName.get(i.nodeId)) || "" }, i.count);
  for (const state of ["queued", "starting", "running"]) m.runs.set({ state }, runs.find((r) => r.status === state)?.count ?? 0);
  m.queue.set(runs.find((r) => r.status === "queued")?.count ?? 0);

  const uuids = new Map(readings.map((r) => [`${r.nodeId}/${r.gpuIndex}`, r.uuid ?? ""]));
  const held = new Map<string, { gpus: Set<number>; cpu: number; memoryGb: number }>();
  for (const a of allocations) {
    const h = held.get(a.nodeId) ?? { gpus: new Set<number>(), cpu: 0, memoryGb: 0 };
    if (a.gpuIndex !== null) h.gpus.add(a.gpuIndex);
    h.cpu += a.cpuCores;
    h.memoryGb += a.memoryGb;
    held.set(a.nodeId, h);
    if (a.gpuIndex !== null) {
      m.holders.inc(
        {
          Hostname: nodeName.get(a.nodeId) ?? "",
          gpu: String(a.gpuIndex),
          UUID: uuids.get(`${a.nodeId}/${a.gpuIndex}`) ?? "",
          instance_id: a.instance.id,
          instance_name: a.instance.name,
          user: a.instance.user.username,
          kind: a.instance.jobRunId ? "job_run" : "instance",
        },
        a.gpuMemoryGb * GIB,
      );
    }
  }
  for (const n of nodes) {
    const h = held.get(n.id);
    m.nodeUp.set({ node: n.name }, n.status === "online" ? 1 : 0);
    m.gpus.set({ node: n.name, model: n.gpuName ?? "" }, n.gpuCount);
    m.gpusAllocated.set({ node: n.name }, h?.gpus.size ?? 0);
    m.cpu.set({ node: n.name }, n.cpuCores);
    m.cpuAllocated.set({ node: n.name }, h?.cpu ?? 0);
    m.memory.set({ node: n.name }, n.memoryGb * GIB);
    m.memoryAllocated.set({ node: n.name }, (h?.memoryGb ?? 0) * GIB);
  }

  const { set, model } = gpuSeries(m, dcgmModelName);
  for (const g of Object.values(set)) g.reset();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const r of readings) {
    const node = byId.get(r.nodeId);
    if (!node) continue;
    const labels = { gpu: String(r.gpuIndex), UUID: r.uuid ?? "", device: `nvidia${r.gpuIndex}`, [model]: node.gpuName ?? "", Hostname: node.name };
    if (r.utilization !== null) set.util.set(labels, r.utilization);
    if (r.memoryUsedMb !== null) set.fbUsed.set(labels, r.memoryUsedMb);
    if (r.memoryUsedMb !== null && r.memoryTotalMb !== null) set.fbFree.set(labels, Math.max(0, r.memoryTotalMb - r.memoryUsedMb));
    if (r.temperature !== null) set.temp.set(labels, r.temperature);
    if (r.powerW !== null) set.power.set(labels, r.powerW);
  }

  m.terminals.set(sessionSources.get("terminal")?.() ?? 0);
  m.ssh.set(sessionSources.get("ssh")?.() ?? 0);
  m.scrape.set((performance.now() - started) / 1000);
}

// Scrapes at the same time share one reading and rendering.
let inflight: Promise<{ body: string; contentType: string }> | null = null;

export function renderMetrics(dcgmModelName: boolean): Promise<{ body: string; contentType: string }> {
  inflight ??= (async () => {
    try {
      const m = metrics();
      await refresh(m, dcgmModelName);
      return { body: await m.registry.metrics(), contentType: m.registry.contentType };
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

function sameToken(given: string, hash: string): boolean {
  const a = Buffer.from(tokenHash(given), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics: allowed addresses, or the bearer token. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("Method not allowed\n");
    return;
  }
  const access = await metricsAccess();
  const auth = req.headers.authorization;
  const bearer = typeof auth === "string" && /^Bearer [\x21-\x7e]+$/.test(auth) ? auth.slice(7) : null;
  if (bearer !== null && (!access.tokenHash || !sameToken(bearer, access.tokenHash))) {
    res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' }).end("Wrong metrics token\n");
    return;
  }
  if (bearer === null) {
    const ip = String(req.headers[CLIENT_IP_HEADER] ?? "");
    const family = isIP(ip);
    let allowed = false;
    try {
      allowed = family !== 0 && allowlistOf(access.allowlist).check(ip, family === 4 ? "ipv4" : "ipv6");
    } catch (err) {
      logger.warn({ err: String(err) }, "metricsAllowlist holds an entry that is not a CIDR");
    }
    if (!allowed) {
      const why = access.tokenHash ? "Send the metrics bearer token" : "This address is not in the metrics allowlist (Admin → Settings)";
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end(`${why}\n`);
      return;
    }
  }
  try {
    const { body, contentType } = await renderMetrics(access.dcgmModelName);
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
  } catch (err) {
    logger.error({ err }, "metrics scrape failed");
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Metrics could not be read\n");
  }
}
