import "server-only";
import type { Readable } from "node:stream";
import type { Server } from "socket.io";
import { z } from "zod";
import { ZId } from "@/lib/contracts/common";
import type { TGpuEvent } from "@/lib/contracts/metrics";
import type { Stats } from "../adapters/runtime";
import { isAdmin } from "../auth/permissions";
import { on } from "../events";
import { AppError } from "../http/errors";
import { gpuHoldersOn, runningWorkload } from "../instances/stats";
import { logger } from "../logger";
import { latestGpuEvent } from "../metrics/gpu.service";
import { findNode } from "../nodes/nodes.repo";
import { authenticatedNamespace, type AppSocket } from "./namespace";

// /stats: live container stats.
//   subscribe {instanceId} → ack {ok: true, gpuTelemetry} | {error}; unsubscribe {instanceId}
//   server `stats` {instanceId, ts, cpuPercent, memoryUsage, memoryLimit, networkRx, ...}
//   about every second (the engine's own stats stream), and `stats-end` {instanceId} when
//   the container stops. One engine stream per container, shared by every subscriber in
//   this process, closed when the last one leaves.
//   Subscribers of a GPU instance also get `gpu` {nodeId, ts, gpus} from its node's collector
//   polls (the latest one at once), with only the GPUs the instance holds (never other
//   tenants'); admins can `subscribeNode {nodeId}` for all of any node's GPUs.
//   `gpuTelemetry` in the ack says whether the node reports GPU telemetry at all.

const ZSubscribe = z.object({ instanceId: ZId });
const room = (instanceId: string) => `stats:${instanceId}`;
const gpuRoom = (nodeId: string) => `gpu:${nodeId}`;
const instanceGpuRoom = (instanceId: string) => `gpu-of:${instanceId}`;
const onlyGpus = (e: TGpuEvent, indexes: number[]): TGpuEvent => ({ ...e, gpus: e.gpus.filter((g) => indexes.includes(g.index)) });
const ZSubscribeNode = z.object({ nodeId: ZId });

type Feed = { stream: Readable; subscribers: Set<string> };

export class StatsHub {
  private readonly feeds = new Map<string, Feed>();
  private readonly opening = new Map<string, Promise<Feed>>();

  constructor(private readonly emit: (instanceId: string, event: "stats" | "stats-end", payload: object) => void) {}

  /** Engine streams open now (one per watched container). */
  get streams(): number {
    return this.feeds.size;
  }

  async subscribe(instanceId: string, subscriber: string, open: () => Promise<Readable>): Promise<void> {
    let feed = this.feeds.get(instanceId);
    if (!feed) {
      let pending = this.opening.get(instanceId);
      if (!pending) {
        pending = open().then((stream) => this.start(instanceId, stream));
        this.opening.set(instanceId, pending);
        void pending.finally(() => this.opening.delete(instanceId)).catch(() => undefined);
      }
      feed = await pending;
    }
    feed.subscribers.add(subscriber);
  }

  unsubscribe(instanceId: string, subscriber: string): void {
    const feed = this.feeds.get(instanceId);
    if (!feed) return;
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0) this.close(instanceId);
  }

  /** Everything `subscriber` watches (its socket went away). */
  leaveAll(subscriber: string): void {
    for (const [instanceId, feed] of [...this.feeds]) if (feed.subscribers.has(subscriber)) this.unsubscribe(instanceId, subscriber);
  }

  private start(instanceId: string, stream: Readable): Feed {
    const feed: Feed = { stream, subscribers: new Set() };
    this.feeds.set(instanceId, feed);
    const ended = () => {
      if (this.feeds.get(instanceId) !== feed) return;
      this.feeds.delete(instanceId);
      stream.destroy();
      this.emit(instanceId, "stats-end", { instanceId });
    };
    // Object mode: one Stats per sample; the stream ends when the container stops.
    stream.on("data", (s: Stats) => this.emit(instanceId, "stats", { instanceId, ...s }));
    stream.on("end", ended);
    stream.on("close", ended);
    stream.on("error", ended);
    return feed;
  }

  private close(instanceId: string): void {
    const feed = this.feeds.get(instanceId);
    if (!feed) return;
    this.feeds.delete(instanceId);
    feed.stream.destroy();
  }

  closeAll(): void {
    for (const id of [...this.feeds.keys()]) this.close(id);
  }
}

/**
 * Joins a GPU room (a node's, or an instance's: only the GPUs it holds) and sends the node's
 * latest poll; false when the node reports no GPU telemetry.
 */
async function joinGpus(socket: AppSocket, nodeId: string, instance?: { id: string; indexes: number[] }): Promise<boolean> {
  await socket.join(instance ? instanceGpuRoom(instance.id) : gpuRoom(nodeId));
  const [node, latest] = await Promise.all([findNode(nodeId), latestGpuEvent(nodeId)]);
  if (latest) socket.emit("gpu", instance ? onlyGpus(latest, instance.indexes) : latest);
  return !!node && node.gpuCount > 0 && node.gpuTelemetryProblem === null;
}

export function registerStatsNamespace(io: Server) {
  const nsp = authenticatedNamespace(io, "/stats");
  const hub = new StatsHub((instanceId, event, payload) => nsp.to(room(instanceId)).emit(event, payload));
  nsp.on("connection", (socket: AppSocket) => {
    socket.on("subscribe", async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === "function" ? (ack as (r: object) => void) : () => undefined;
      try {
        const { instanceId } = ZSubscribe.parse(payload);
        // Ownership is checked here, on every subscribe: another user's instance is not found.
        const { rt, name, row } = await runningWorkload(socket.data.principal, instanceId);
        await socket.join(room(instanceId));
        await hub.subscribe(instanceId, socket.id, () => rt.statsStream(name));
        // The GPUs of its node, as the collector reads them (the latest poll right away).
        const indexes = row.allocations.flatMap((a) => (a.gpuIndex === null ? [] : [a.gpuIndex]));
        const gpuTelemetry = row.nodeId && indexes.length > 0 ? await joinGpus(socket, row.nodeId, { id: row.id, indexes }) : false;
        reply({ ok: true, gpuTelemetry });
      } catch (err) {
        if (err instanceof AppError) reply({ error: { code: err.code, message: err.message } });
        else if (err instanceof z.ZodError) reply({ error: { code: "VALIDATION_FAILED", message: "instanceId: is required" } });
        else {
          logger.error({ err }, "stats subscribe failed");
          reply({ error: { code: "INTERNAL", message: "Could not subscribe" } });
        }
      }
    });
    socket.on("unsubscribe", (payload: unknown) => {
      const parsed = ZSubscribe.safeParse(payload);
      if (!parsed.success) return;
      void socket.leave(room(parsed.data.instanceId));
      hub.unsubscribe(parsed.data.instanceId, socket.id);
    });
    // Admins watch a node's GPUs directly (dashboard heatmaps, node detail).
    socket.on("subscribeNode", async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === "function" ? (ack as (r: object) => void) : () => undefined;
      const parsed = ZSubscribeNode.safeParse(payload);
      if (!parsed.success) return reply({ error: { code: "VALIDATION_FAILED", message: "nodeId: is required" } });
      if (!isAdmin(socket.data.principal)) return reply({ error: { code: "FORBIDDEN", message: "Administrators only" } });
      reply({ ok: true, gpuTelemetry: await joinGpus(socket, parsed.data.nodeId) });
    });
    socket.on("disconnect", () => hub.leaveAll(socket.id));
  });
  const off = on("gpu.sample", (e) => {
    nsp.to(gpuRoom(e.nodeId)).emit("gpu", e);
    void gpuHoldersOn(e.nodeId)
      .then((holders) => {
        for (const h of holders) nsp.to(instanceGpuRoom(h.instanceId)).emit("gpu", onlyGpus(e, h.indexes));
      })
      .catch((err: unknown) => logger.warn({ err, nodeId: e.nodeId }, "could not send GPU readings to instances"));
  });
  return { nsp, hub, off };
}
