"use client";
import { useQuery } from "@tanstack/react-query";
import { buildPath, call } from "../api/client";
import { systemLogKeys } from "../api/keys";
import { api } from "../contracts";
import type { TSystemLogQuery } from "../contracts/system-logs";

// Query hooks for the system log (administrators): the console's warn, error and fatal lines. Read-only.

/** The list's filters (level = the least level shown) and page. */
export type SystemLogFilters = TSystemLogQuery;

export function useSystemLogs(q: SystemLogFilters) {
  return useQuery({ queryKey: systemLogKeys.list(q), queryFn: () => call(api.listSystemLogs, { query: q }), placeholderData: (prev) => prev });
}

/** One UTC day (YYYY-MM-DD) of the log as NDJSON: a plain link, the browser sends the session cookie. */
export function systemLogExportUrl(day: string): string {
  return buildPath(api.exportSystemLogs.path, undefined, { day });
}
