"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { billingKeys, instanceKeys, specKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateInstanceRequest, TInstance, TInstanceStatus, TUpdateInstanceRequest } from "../contracts/instances";
import { rangeQuery } from "./metrics";

// Instances: list and detail (polled fast while one is being created), launch, rename,
// delete, start/stop/restart, logs and stats history (live stats: ./live-stats).

export type InstanceFilters = { page: number; pageSize: number; name?: string; status?: TInstanceStatus; userId?: string };
export type LogOptions = { tail: number; timestamps: boolean };

/** Poll while a container is being created, so the page follows it to running or failed. */
export const CREATING_POLL_MS = 2_000;
export const IDLE_POLL_MS = 10_000;

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
    // What runs is what is charged: the balance's runway changes.
    void qc.invalidateQueries({ queryKey: billingKeys.all });
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

/** Stats history over the last `rangeSec` (sampled every INSTANCE_STATS_SEC; one-minute averages past a day). */
export function useInstanceMetrics(id: string, rangeSec: number, enabled = true) {
  return useQuery({
    queryKey: instanceKeys.metrics(id, rangeSec),
    queryFn: () => call(api.instanceMetrics, { params: { id }, query: rangeQuery(rangeSec, 60) }),
    enabled,
    placeholderData: (prev) => prev,
    refetchInterval: 60_000,
  });
}
