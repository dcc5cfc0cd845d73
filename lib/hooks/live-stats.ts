"use client";
import { useEffect, useReducer, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { io } from "socket.io-client";
import { gpuKeys, instanceKeys } from "../api/keys";
import type { TInstanceStats } from "../contracts/instances";
import type { TGpuEvent } from "../contracts/metrics";

// Live stats over the /stats socket: one connection per page, subscribed to any number of
// instances (the instance page: one; the dashboard: the running ones it lists) and, for
// GPU instances, their node's GPU polls. Recent samples are kept in the query cache, so
// charts survive tab switches and remounts.

/** Stats samples kept for the charts: 5 minutes at one a second. */
export const STATS_HISTORY = 300;
/** GPU polls kept: 5 minutes at the default 15 s, more at shorter intervals. */
export const GPU_HISTORY = 120;

type Subscription = { live: boolean; error: string | null; gpuTelemetry: boolean };
type Ack = { ok?: true; gpuTelemetry?: boolean; error?: { message: string } };

export type LiveStats = {
  /** Recent samples per instance, oldest first. */
  stats: (id: string) => TInstanceStats[];
  /** Recent GPU polls of a node, oldest first. */
  gpu: (nodeId: string) => TGpuEvent[];
  subscription: (id: string) => Subscription;
};

/** Appends a sample unless it repeats the last one's timestamp; keeps the last `max`. */
export function appendSample<T extends { ts: string }>(history: T[], sample: T, max: number): T[] {
  const base = history.at(-1)?.ts === sample.ts ? history.slice(0, -1) : history;
  return [...base, sample].slice(-max);
}

/**
 * A node's GPU poll as one instance sees it (only its GPUs): two instances watched on one
 * node each get their part of the same poll, merged into one sample.
 */
export function appendGpuEvent(history: TGpuEvent[], e: TGpuEvent, max: number): TGpuEvent[] {
  const last = history.at(-1);
  if (last?.ts !== e.ts) return appendSample(history, e, max);
  const gpus = [...last.gpus.filter((g) => !e.gpus.some((x) => x.index === g.index)), ...e.gpus].sort((a, b) => a.index - b.index);
  return appendSample(history, { ...e, gpus }, max);
}

const IDLE: Subscription = { live: false, error: null, gpuTelemetry: false };
const NONE: never[] = [];

export function useLiveStats(ids: string[], enabled: boolean): LiveStats {
  const qc = useQueryClient();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [subs, setSubs] = useState<Record<string, Subscription>>({});
  const key = ids.join(",");
  useEffect(() => {
    if (!enabled || !key) return;
    const watched = new Set(key.split(","));
    const socket = io("/stats", { path: "/socket.io", transports: ["websocket"], withCredentials: true });
    const set = (id: string, s: Partial<Subscription>) => setSubs((all) => ({ ...all, [id]: { ...(all[id] ?? IDLE), ...s } }));
    socket.on("connect", () => {
      for (const id of watched)
        socket.emit("subscribe", { instanceId: id }, (r: Ack) => set(id, { live: !!r.ok, error: r.error?.message ?? null, gpuTelemetry: !!r.gpuTelemetry }));
    });
    socket.on("disconnect", () => setSubs((all) => Object.fromEntries(Object.entries(all).map(([id, s]) => [id, { ...s, live: false }]))));
    socket.on("stats", (sample: TInstanceStats & { instanceId: string }) => {
      if (!watched.has(sample.instanceId)) return;
      qc.setQueryData<TInstanceStats[]>(instanceKeys.stats(sample.instanceId), (h) => appendSample(h ?? [], sample, STATS_HISTORY));
      rerender();
    });
    socket.on("gpu", (e: TGpuEvent) => {
      qc.setQueryData<TGpuEvent[]>(gpuKeys.live(e.nodeId), (h) => appendGpuEvent(h ?? [], e, GPU_HISTORY));
      rerender();
    });
    socket.on("stats-end", ({ instanceId }: { instanceId: string }) => {
      set(instanceId, { live: false });
      void qc.invalidateQueries({ queryKey: instanceKeys.one(instanceId) });
      void qc.invalidateQueries({ queryKey: instanceKeys.all });
    });
    return () => {
      socket.disconnect();
    };
  }, [key, enabled, qc]);
  return {
    stats: (id) => qc.getQueryData<TInstanceStats[]>(instanceKeys.stats(id)) ?? NONE,
    gpu: (nodeId) => qc.getQueryData<TGpuEvent[]>(gpuKeys.live(nodeId)) ?? NONE,
    subscription: (id) => subs[id] ?? IDLE,
  };
}
