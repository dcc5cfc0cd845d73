"use client";
import { useQuery } from "@tanstack/react-query";
import { call } from "../api/client";
import { api } from "../contracts";

// Cluster overview (admins), refreshed as the GPU collector polls.

export const metricKeys = { overview: ["gpu", "overview"] as const };

export function useGpuOverview(enabled: boolean) {
  return useQuery({ queryKey: metricKeys.overview, queryFn: () => call(api.gpuOverview), enabled, refetchInterval: 10_000 });
}
