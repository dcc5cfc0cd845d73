"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { clusterKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateClusterRequest, TUpdateClusterRequest } from "../contracts/clusters";

// Slurm clusters: the list, one cluster, its status, nodes, partitions and queue (read every
// 10 s: the server caches slurmrestd's answers per cluster, so viewers add no load there),
// its status history and user-name mappings; save, delete, test, trust the login node's key.

/** How often a cluster's figures are read again. */
export const CLUSTER_POLL_MS = 10_000;

export type ClusterJobFilters = { page: number; pageSize: number; state?: string; user?: string };

export function useClusters(q: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: clusterKeys.list(q),
    queryFn: () => call(api.listClusters, { query: q }),
    placeholderData: (prev) => prev,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

export function useCluster(id: string | null) {
  return useQuery({
    queryKey: clusterKeys.one(id ?? ""),
    queryFn: () => call(api.getCluster, { params: { id: id! } }),
    enabled: !!id,
    refetchInterval: (q) => (q.state.status === "error" ? false : CLUSTER_POLL_MS),
  });
}

export function useClusterOverview(id: string) {
  return useQuery({
    queryKey: clusterKeys.overview(id),
    queryFn: () => call(api.clusterOverview, { params: { id } }),
    refetchInterval: (q) => (q.state.status === "error" ? false : CLUSTER_POLL_MS),
  });
}

// Reads that slurmrestd answers: a failure (502, the cluster unreachable) is shown at once
// and read again at the next poll, not retried in between.

export function useClusterNodes(id: string, enabled = true) {
  return useQuery({
    queryKey: clusterKeys.nodes(id),
    queryFn: () => call(api.clusterNodes, { params: { id } }),
    enabled,
    retry: false,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

export function useClusterPartitions(id: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: clusterKeys.partitions(id ?? ""),
    queryFn: () => call(api.clusterPartitions, { params: { id: id! } }),
    enabled: !!id && enabled,
    retry: false,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

export function useClusterJobs(id: string, q: ClusterJobFilters, enabled = true) {
  return useQuery({
    queryKey: clusterKeys.jobs(id, q),
    queryFn: () => call(api.clusterJobs, { params: { id }, query: q }),
    enabled,
    retry: false,
    placeholderData: (prev) => prev,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

export function useClusterEvents(id: string | null, q: { page: number; pageSize: number }, enabled = true) {
  return useQuery({
    queryKey: clusterKeys.events(id ?? "", q),
    queryFn: () => call(api.clusterEvents, { params: { id: id! }, query: q }),
    enabled: !!id && enabled,
    placeholderData: (prev) => prev,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

/** The signed-in user's newest 100 runs on a cluster (submitted there, or of jobs that submit there). */
export function useMyClusterRuns(id: string, enabled = true) {
  return useQuery({
    queryKey: clusterKeys.myRuns(id),
    queryFn: async () => {
      const page = await call(api.listRuns, { query: { page: 1, pageSize: 100, clusterId: id } });
      return page.items;
    },
    enabled,
    refetchInterval: CLUSTER_POLL_MS,
  });
}

export function useClusterUsers(id: string | null, q: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: clusterKeys.users(id ?? "", q),
    queryFn: () => call(api.clusterUsers, { params: { id: id! }, query: q }),
    enabled: !!id,
    placeholderData: (prev) => prev,
  });
}

function useClusterMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: clusterKeys.all }) });
}

export function useSaveCluster() {
  return useClusterMutation(({ id, body }: { id?: string; body: TCreateClusterRequest | TUpdateClusterRequest }) =>
    id ? call(api.updateCluster, { params: { id }, body }) : call(api.createCluster, { body: body as TCreateClusterRequest }),
  );
}

export function useDeleteCluster() {
  return useClusterMutation((id: string) => call(api.deleteCluster, { params: { id } }));
}

export function useTestCluster() {
  return useClusterMutation((id: string) => call(api.testCluster, { params: { id } }));
}

export function useTrustClusterHostKey() {
  return useClusterMutation(({ id, hostKey }: { id: string; hostKey: string }) => call(api.trustClusterHostKey, { params: { id }, body: { hostKey } }));
}

export function useSetClusterUser() {
  return useClusterMutation(({ id, userId, slurmUser }: { id: string; userId: string; slurmUser: string }) =>
    call(api.setClusterUser, { params: { id, userId }, body: { slurmUser } }),
  );
}

export function useRemoveClusterUser() {
  return useClusterMutation(({ id, userId }: { id: string; userId: string }) => call(api.removeClusterUser, { params: { id, userId } }));
}
