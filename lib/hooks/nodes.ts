"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { nodeKeys, specKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateNodeRequest, TUpdateNodeRequest } from "../contracts/nodes";

// Compute nodes: list, detail, save, delete, connection test, host-key trust, history.

export type NodeFilters = { page: number; pageSize: number; name?: string; status?: "online" | "offline" | "unknown"; isListed?: "true" | "false" };

export function useNodes(q: NodeFilters) {
  return useQuery({ queryKey: nodeKeys.list(q), queryFn: () => call(api.listNodes, { query: q }), placeholderData: (prev) => prev, refetchInterval: 30_000 });
}

export function useNode(id: string | null) {
  return useQuery({ queryKey: nodeKeys.one(id ?? ""), queryFn: () => call(api.getNode, { params: { id: id! } }), enabled: !!id });
}

export function useNodeEvents(id: string | null) {
  return useQuery({
    queryKey: nodeKeys.events(id ?? ""),
    queryFn: () => call(api.nodeEvents, { params: { id: id! }, query: { page: 1, pageSize: 20 } }),
    enabled: !!id,
  });
}

export function useLocalNodeOffer() {
  return useQuery({ queryKey: nodeKeys.local, queryFn: () => call(api.localNode) });
}

function useNodeMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: nodeKeys.all });
      void qc.invalidateQueries({ queryKey: specKeys.all });
    },
  });
}

export function useSaveNode() {
  return useNodeMutation(({ id, body }: { id?: string; body: TCreateNodeRequest | TUpdateNodeRequest }) =>
    id ? call(api.updateNode, { params: { id }, body }) : call(api.createNode, { body: body as TCreateNodeRequest }),
  );
}

export function useDeleteNode() {
  return useNodeMutation((id: string) => call(api.deleteNode, { params: { id } }));
}

export function useTestNode() {
  return useNodeMutation((id: string) => call(api.testNode, { params: { id } }));
}

export function useTrustHostKey() {
  return useNodeMutation(({ id, fingerprint }: { id: string; fingerprint: string }) => call(api.trustHostKey, { params: { id }, body: { fingerprint } }));
}
