// A system log line's context in short: the fields that say where it happened (module, node,
// instance, run, job, session, request), for a table cell; the whole context opens in its row.

/** The keys worth a glance, most telling first. */
export const SUMMARY_KEYS = ["module", "node", "instanceId", "run", "job", "session", "requestId"] as const;

const MAX_VALUE = 60;

/** Up to `max` of SUMMARY_KEYS the context has with a plain value (text, number, yes/no), long values cut. */
export function contextSummary(context: Record<string, unknown>, max = 3): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const key of SUMMARY_KEYS) {
    const v = context[key];
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") continue;
    const text = String(v).trim();
    if (!text) continue;
    out.push({ key, value: text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text });
    if (out.length >= max) break;
  }
  return out;
}

/** The request a line was logged in, when it names one (to find the request's audit events). */
export function requestIdOf(context: Record<string, unknown>): string | null {
  const v = context.requestId;
  return typeof v === "string" && v.trim() ? v : null;
}
