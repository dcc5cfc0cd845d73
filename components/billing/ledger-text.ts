import type { TLedgerEntry } from "@/lib/contracts/billing";
import { formatDuration } from "@/lib/format";
import type { Locale } from "@/lib/i18n";
import type { T } from "../providers/i18n";

// A ledger entry in the reader's language, from its fields (kind, period, recharge code),
// never from the server's English note; only an administrator's own words (an adjustment's
// reason) are shown as written.

/** A running time: seconds under a minute (tenths under ten: a partial interval), else lib/format's duration. */
export function runningTime(t: T, seconds: number, locale: Locale): string {
  if (seconds >= 60) return formatDuration(seconds, locale);
  return t("billing.seconds", { n: seconds < 10 ? Math.round(seconds * 10) / 10 : Math.round(seconds) });
}

const periodSeconds = (e: Pick<TLedgerEntry, "periodStart" | "periodEnd">) =>
  e.periodStart && e.periodEnd ? (Date.parse(e.periodEnd) - Date.parse(e.periodStart)) / 1000 : null;

export function entryText(t: T, e: TLedgerEntry, locale: Locale): string {
  const seconds = periodSeconds(e);
  switch (e.kind) {
    case "usage":
      // A stop at zero balance leaves a line of no amount and no period.
      return seconds === null ? t("billing.entry.stopped") : t("billing.entry.usage", { time: runningTime(t, seconds, locale) });
    case "refund":
      return t("billing.entry.refund", { time: runningTime(t, seconds ?? 0, locale) });
    case "recharge":
      return e.recharge ? t("billing.entry.recharge", { hint: e.recharge.codeHint, description: e.recharge.description }) : "—";
    case "adjustment":
      return e.note ?? "—";
  }
}
