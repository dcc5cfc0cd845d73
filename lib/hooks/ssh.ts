"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { sshKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateSshKeyRequest } from "../contracts/ssh";

// SSH: my public keys (add, delete), a user's keys for administrators, and how to reach an
// instance through the jump host. A key added or deleted changes `needsKey` too, so every
// SSH query is refreshed after either.

export function useSshKeys() {
  return useQuery({ queryKey: sshKeys.mine, queryFn: () => call(api.listSshKeys) });
}

export function useCreateSshKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateSshKeyRequest) => call(api.createSshKey, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: sshKeys.all }),
  });
}

export function useDeleteSshKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.deleteSshKey, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: sshKeys.all }),
  });
}

/** Administrators: a user's keys (read-only); fetched only while `userId` is set. */
export function useUserSshKeys(userId: string | null) {
  return useQuery({
    queryKey: sshKeys.ofUser(userId ?? ""),
    queryFn: () => call(api.listUserSshKeys, { params: { id: userId! } }),
    enabled: !!userId,
  });
}

export function useInstanceSsh(instanceId: string) {
  return useQuery({ queryKey: sshKeys.access(instanceId), queryFn: () => call(api.instanceSsh, { params: { id: instanceId } }) });
}
