"use client";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { io } from "socket.io-client";
import { call } from "../api/client";
import { instanceKeys, specKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateInstanceRequest, TInstance, TInstanceStats, TInstanceStatus, TUpdateInstanceRequest } from "../contracts/instances";

// Instances: list and detail (polled fast while one is being created), launch, rename,
// delete, start/stop/restart, logs, and live stats kept as a short history for charts.

export type InstanceFilters = { page: number; pageSize: number; name?: string; status?: TInstanceStatus; userId?: string };
export type LogOptions = { tail: number; timestamps: boolean };

/** Poll while a container is being created, so the page follows it to running or failed. */
export const CREATING_POLL_MS = 2_000;
export const IDLE_POLL_MS = 10_000;
/** Stats samples kept for the charts: 5 minutes at one a second. */
export const STATS_HISTORY = 300;

export function useInstances(q: InstanceFilters) {
  return useQuery({
    queryKey: instanceKeys.list(q),
    queryFn: () => call(api.listInstances, { query: q }),
    placeholderData: (prev) => prev,
    refetchInterval: (query) => (query.state.data?.items.some((i) => i.status === "creating") ? CREATING_POLL_MS : IDLE_POLL_MS),
  });
}

export function useInstance(id: string) {
  return useQuery({
    queryKey: instanceKeys.one(id),
    queryFn: () => call(api.getInstance, { params: { id } }),
    // A failed load (e.g. 404 after deletion elsewhere) stops the polling.
    refetchInterval: (query) => (query.state.status === "error" ? false : query.state.data?.status === "creating" ? CREATING_POLL_MS : IDLE_POLL_MS),
  });
}

/** Mutations that change instances also change free capacity, so specs are refreshed too. */
function useInvalidateAfter() {
  const qc = useQueryClient();
  return (changed?: TInstance) => {
    if (changed) qc.setQueryData(instanceKeys.one(changed.id), changed);
    void qc.invalidateQueries({ queryKey: instanceKeys.all });
    void qc.invalidateQueries({ queryKey: specKeys.all });
  };
}

export function useCreateInstance() {
  const qc = useQueryClient();
  const after = useInvalidateAfter();
  return useMutation({
    mutationFn: (body: TCreateInstanceRequest) => call(api.createInstance, { body }),
    onSuccess: after,
    // A refusal (e.g. no capacity) means the availability shown was stale.
    onError: () => void qc.invalidateQueries({ queryKey: specKeys.all }),
  });
}

export function useUpdateInstance() {
  const after = useInvalidateAfter();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: TUpdateInstanceRequest }) => call(api.updateInstance, { params: { id }, body }),
    onSuccess: after,
  });
}

export function useDeleteInstance() {
  const qc = useQueryClient();
  const after = useInvalidateAfter();
  return useMutation({
    mutationFn: (id: string) => call(api.deleteInstance, { params: { id } }),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: instanceKeys.one(id) });
      after();
    },
  });
}

export function useStartInstance() {
  const after = useInvalidateAfter();
  return useMutation({
    mutationFn: ({ id, withoutGpu = false }: { id: string; withoutGpu?: boolean }) => call(api.startInstance, { params: { id }, body: { withoutGpu } }),
    onSuccess: after,
  });
}

export function useStopInstance() {
  const after = useInvalidateAfter();
  return useMutation({ mutationFn: (id: string) => call(api.stopInstance, { params: { id } }), onSuccess: after });
}

export function useRestartInstance() {
  const after = useInvalidateAfter();
  return useMutation({ mutationFn: (id: string) => call(api.restartInstance, { params: { id } }), onSuccess: after });
}

/** The last lines of output; `followMs` re-reads them on an interval (false: only on demand). */
export function useInstanceLogs(id: string, opts: LogOptions, followMs: number | false) {
  return useQuery({
    queryKey: instanceKeys.logs(id, opts),
    queryFn: () => call(api.instanceLogs, { params: { id }, query: { tail: opts.tail, timestamps: opts.timestamps ? "true" : "false" } }),
    placeholderData: (prev) => prev,
    refetchInterval: followMs,
  });
}

export function instanceLogsDownloadUrl(id: string, timestamps: boolean): string {
  return `/api/v1/instances/${encodeURIComponent(id)}/logs/download?timestamps=${timestamps ? "true" : "false"}`;
}

/** Appends a sample unless it repeats the last one's timestamp; keeps the last `max`. */
export function appendSample(history: TInstanceStats[], sample: TInstanceStats, max = STATS_HISTORY): TInstanceStats[] {
  const base = history.at(-1)?.ts === sample.ts ? history.slice(0, -1) : history;
  return [...base, sample].slice(-max);
}

export type LiveStats = { data: TInstanceStats[]; live: boolean; error: string | null };

/**
 * Live stats while `enabled` (the instance runs and the Stats tab is shown): the /stats
 * socket pushes a sample about every second; the history (last 5 minutes) is kept in the
 * query cache, so charts survive tab switches.
 */
export function useInstanceStats(id: string, enabled: boolean): LiveStats {
  const qc = useQueryClient();
  const key = instanceKeys.stats(id);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [data, setData] = useState<TInstanceStats[]>(() => qc.getQueryData<TInstanceStats[]>(key) ?? []);
  useEffect(() => {
    if (!enabled) return;
    const socket = io("/stats", { path: "/socket.io", transports: ["websocket"], withCredentials: true });
    socket.on("connect", () =>
      socket.emit("subscribe", { instanceId: id }, (reply: { ok?: true; error?: { message: string } }) => {
        setError(reply.error?.message ?? null);
        setLive(!!reply.ok);
      }),
    );
    socket.on("disconnect", () => setLive(false));
    socket.on("stats", (sample: TInstanceStats & { instanceId: string }) => {
      if (sample.instanceId !== id) return;
      const next = appendSample(qc.getQueryData<TInstanceStats[]>(key) ?? [], sample, STATS_HISTORY);
      qc.setQueryData(key, next);
      setData(next);
    });
    socket.on("stats-end", () => {
      setLive(false);
      void qc.invalidateQueries({ queryKey: instanceKeys.one(id) });
    });
    return () => {
      socket.disconnect();
    };
    // key is derived from id
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, enabled, qc]);
  return { data, live, error };
}
