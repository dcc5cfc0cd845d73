"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { webhookKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateWebhookRequest, TUpdateWebhookRequest, WEBHOOK_DELIVERY_STATUSES } from "../contracts/webhooks";

// Query and mutation hooks for webhook endpoints and their delivery log. Lists with a
// delivery still pending refresh themselves every few seconds until it is settled.

export type WebhookFilters = { scope: "mine" | "platform"; page: number; pageSize: number };
export type DeliveryFilters = { page: number; pageSize: number; status?: (typeof WEBHOOK_DELIVERY_STATUSES)[number] };

/** How often a view with pending deliveries asks again. */
const PENDING_POLL_MS = 2000;

export function useWebhooks(q: WebhookFilters) {
  return useQuery({
    queryKey: webhookKeys.list(q),
    queryFn: () => call(api.listWebhooks, { query: q }),
    placeholderData: (prev) => prev,
    refetchInterval: (query) => (query.state.data?.items.some((e) => e.recent.pending > 0) ? PENDING_POLL_MS * 5 : false),
  });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateWebhookRequest) => call(api.createWebhook, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: TUpdateWebhookRequest }) => call(api.updateWebhook, { params: { id }, body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.deleteWebhook, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useRotateWebhookSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.rotateWebhookSecret, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useTestWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.testWebhook, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useWebhookDeliveries(id: string | null, q: DeliveryFilters) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id ?? "", q),
    queryFn: () => call(api.listWebhookDeliveries, { params: { id: id ?? "" }, query: q }),
    enabled: !!id,
    placeholderData: (prev) => prev,
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === "pending") ? PENDING_POLL_MS : false),
  });
}

export function useWebhookDelivery(id: string | null, deliveryId: string | null) {
  return useQuery({
    queryKey: webhookKeys.delivery(id ?? "", deliveryId ?? ""),
    queryFn: () => call(api.getWebhookDelivery, { params: { id: id ?? "", deliveryId: deliveryId ?? "" } }),
    enabled: !!id && !!deliveryId,
    refetchInterval: (query) => (query.state.data?.status === "pending" ? PENDING_POLL_MS : false),
  });
}

/** Sends a delivery again now; the answer says how that attempt went. */
export function useRedeliverWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, deliveryId }: { id: string; deliveryId: string }) => call(api.redeliverWebhook, { params: { id, deliveryId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}
