"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { billingKeys, userKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateCodesRequest, TLedgerKind, TRechargeCode } from "../contracts/billing";

// Billing: my balance summary, usage, ledger and redeemed codes; administrators' recharge-code
// batches, adjustments, revenue and platform stats. Anything that moves money refreshes
// the balance everywhere (summary, ledger, the signed-in user).

export type LedgerFilters = { page: number; pageSize: number; kind?: TLedgerKind; from?: string; to?: string; userId?: string; instanceId?: string };
export type UsageFilters = { from?: string; to?: string; groupBy: "day" | "instance"; userId?: string };

/** The balance and how long it lasts; refreshed each minute (the meter charges per interval). */
export function useBillingSummary() {
  return useQuery({ queryKey: billingKeys.summary, queryFn: () => call(api.billingSummary), refetchInterval: 60_000 });
}

export function useLedger(q: LedgerFilters, enabled = true) {
  return useQuery({ queryKey: billingKeys.ledger(q), queryFn: () => call(api.listLedger, { query: q }), placeholderData: (prev) => prev, enabled });
}

/** Usage per instance and day (at the browser's own midnight) or per instance. */
export function useUsage(q: UsageFilters) {
  const utcOffset = -new Date().getTimezoneOffset();
  return useQuery({
    queryKey: billingKeys.usage({ ...q, utcOffset }),
    queryFn: () => call(api.billingUsage, { query: { ...q, utcOffset } }),
    placeholderData: (prev) => prev,
    refetchInterval: 60_000,
  });
}

/** The CSV export of a ledger query (a download link). */
export function ledgerExportUrl(q: Omit<LedgerFilters, "page" | "pageSize">): string {
  const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  return `/api/v1/billing/ledger/export${params.size ? `?${params}` : ""}`;
}

export function useRechargeRecords(q: { page: number; pageSize: number }) {
  return useQuery({ queryKey: billingKeys.records(q), queryFn: () => call(api.listRechargeRecords, { query: q }), placeholderData: (prev) => prev });
}

function useMoneyMoved() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: billingKeys.all });
    void qc.invalidateQueries({ queryKey: userKeys.all });
  };
}

export function useRedeem() {
  const moved = useMoneyMoved();
  return useMutation({ mutationFn: (code: string) => call(api.redeemRechargeCode, { body: { code } }), onSuccess: moved });
}

export function useAdjust() {
  const moved = useMoneyMoved();
  return useMutation({
    mutationFn: ({ userId, ...body }: { userId: string; amountCents: number; reason: string; idempotencyKey?: string }) =>
      call(api.createAdjustment, { params: { id: userId }, body }),
    onSuccess: moved,
  });
}

// --- Administrators ---------------------------------------------------------------------------

/** Revenue per day at the browser's own midnight. */
export function useRevenue(q: { from?: string; to?: string }) {
  const utcOffset = -new Date().getTimezoneOffset();
  return useQuery({
    queryKey: billingKeys.revenue({ ...q, utcOffset }),
    queryFn: () => call(api.revenue, { query: { ...q, utcOffset } }),
    refetchInterval: 60_000,
  });
}

export function useAdminStats(enabled: boolean) {
  return useQuery({ queryKey: billingKeys.stats, queryFn: () => call(api.adminStats), enabled, refetchInterval: 30_000 });
}

export function useRechargeBatches(q: { page: number; pageSize: number }) {
  return useQuery({ queryKey: billingKeys.batches(q), queryFn: () => call(api.listRechargeBatches, { query: q }), placeholderData: (prev) => prev });
}

export function useBatchCodes(batchId: string | null, q: { page: number; pageSize: number; status?: TRechargeCode["status"] }) {
  return useQuery({
    queryKey: billingKeys.codes(batchId ?? "", q),
    queryFn: () => call(api.listBatchCodes, { params: { id: batchId! }, query: q }),
    enabled: !!batchId,
    placeholderData: (prev) => prev,
  });
}

export function useCreateCodes() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateCodesRequest) => call(api.createRechargeCodes, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.all }),
  });
}

export function useDisableBatch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.disableRechargeBatch, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.all }),
  });
}

export function useDisableCode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.disableRechargeCode, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.all }),
  });
}
