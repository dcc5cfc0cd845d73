"use client";
import { useQuery } from "@tanstack/react-query";
import { call } from "../api/client";
import { gpuKeys } from "../api/keys";
import { api } from "../contracts";

// Cluster overview and node GPU history (admins), refreshed as the GPU collector polls.

export function useGpuOverview(enabled: boolean) {
  return useQuery({ queryKey: gpuKeys.overview, queryFn: () => call(api.gpuOverview), enabled, refetchInterval: 10_000 });
}

/** Points asked for over a history range (the server lowers it for long ranges). */
const HISTORY_POINTS = 300;

/** from/to/step for the last `rangeSec` seconds, at most HISTORY_POINTS points and no finer than `minStep`. */
export function rangeQuery(rangeSec: number, minStep: number) {
  const now = Date.now();
  return {
    from: new Date(now - rangeSec * 1000).toISOString(),
    to: new Date(now).toISOString(),
    step: Math.max(minStep, Math.ceil(rangeSec / HISTORY_POINTS)),
  };
}

/** A node's GPU telemetry over the last `rangeSec`: raw samples within a day, one-minute averages beyond. */
export function useNodeMetrics(nodeId: string | null, rangeSec: number) {
  return useQuery({
    queryKey: gpuKeys.nodeMetrics(nodeId ?? "", rangeSec),
    queryFn: () => call(api.nodeMetrics, { params: { id: nodeId! }, query: rangeQuery(rangeSec, 15) }),
    enabled: !!nodeId,
    placeholderData: (prev) => prev,
    refetchInterval: 15_000,
  });
}
