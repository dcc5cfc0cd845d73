"use client";
import { useQuery } from "@tanstack/react-query";
import { buildPath, call } from "../api/client";
import { auditKeys } from "../api/keys";
import { api } from "../contracts";
import type { TAuditExportQuery } from "../contracts/audit";

// Query hooks for the audit log: everyone's (administrators) and one's own. Read-only.

/** The filters of the administrators' list; the export takes the same without paging. */
export type AuditFilters = TAuditExportQuery & { page: number; pageSize: number };
/** A user's own events: no actor (it is them) and no text search. */
export type MyAuditFilters = Omit<AuditFilters, "actor" | "q">;

export function useAuditEvents(q: AuditFilters) {
  return useQuery({ queryKey: auditKeys.list(q), queryFn: () => call(api.listAuditEvents, { query: q }), placeholderData: (prev) => prev });
}

export function useMyAuditEvents(q: MyAuditFilters) {
  return useQuery({ queryKey: auditKeys.mine(q), queryFn: () => call(api.listMyAuditEvents, { query: q }), placeholderData: (prev) => prev });
}

/** The CSV of every event matching `q`: a plain link, the browser sends the session cookie. */
export function auditExportUrl(q: TAuditExportQuery): string {
  return buildPath(api.exportAuditEvents.path, undefined, q);
}
