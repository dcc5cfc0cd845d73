"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { authKeys, settingsKeys, userKeys } from "../api/keys";
import { api } from "../contracts";
import type { TAdminCreateUserRequest, TAdminUpdateUserRequest, TUpdateMeRequest } from "../contracts/users";
import type { TCreateApiTokenRequest } from "../contracts/tokens";
import type { TUpdateSettingsRequest } from "../contracts/system";

// Query and mutation hooks for accounts, tokens and settings.

export function useAuthConfig() {
  return useQuery({ queryKey: authKeys.config, queryFn: () => call(api.config) });
}

/**
 * Whether the console is in maintenance, and the administrator's message: for the banner on
 * every page, so checked each minute and whenever the window regains focus.
 */
export function useMaintenance() {
  return useQuery({
    queryKey: authKeys.config,
    queryFn: () => call(api.config),
    select: (c) => c.maintenance,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
  });
}

export function useMe() {
  return useQuery({ queryKey: userKeys.me, queryFn: () => call(api.getMe) });
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateMeRequest) => call(api.updateMe, { body }),
    onSuccess: (me) => qc.setQueryData(userKeys.me, me),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => call(api.changePassword, { body }),
  });
}

export function useTokens() {
  return useQuery({ queryKey: userKeys.tokens, queryFn: () => call(api.listTokens) });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateApiTokenRequest) => call(api.createToken, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.tokens }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.revokeToken, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.tokens }),
  });
}

export type AdminUserFilters = { page: number; pageSize: number; search?: string; role?: "admin" | "user"; isActive?: "true" | "false" };

export function useAdminUsers(q: AdminUserFilters) {
  return useQuery({
    queryKey: userKeys.adminList(q),
    queryFn: () => call(api.adminListUsers, { query: q }),
    placeholderData: (prev) => prev,
  });
}

export function useAdminCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TAdminCreateUserRequest) => call(api.adminCreateUser, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useAdminUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: TAdminUpdateUserRequest }) => call(api.adminUpdateUser, { params: { id }, body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useSettings() {
  return useQuery({ queryKey: settingsKeys.all, queryFn: () => call(api.getSettings) });
}

export function useUpdateSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateSettingsRequest) => call(api.updateSettings, { body }),
    onSuccess: (s) => {
      qc.setQueryData(settingsKeys.all, s);
      void qc.invalidateQueries({ queryKey: authKeys.config });
    },
  });
}
