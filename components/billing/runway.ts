"use client";
import type { TBillingSummary } from "@/lib/contracts/billing";
import { formatDuration, formatMoney } from "@/lib/format";
import { usePrefs, useT } from "../providers/i18n";

/** "Lasts about 3 h at ¥1.20/h", "Nothing is running", or "Used up". */
export function useRunway() {
  const t = useT();
  const { locale } = usePrefs();
  return (s: TBillingSummary) => {
    if (s.secondsLeft === null) return t("billing.nothingRunning");
    if (s.secondsLeft === 0) return t("billing.exhausted");
    return t("billing.lasts", { time: formatDuration(s.secondsLeft, locale), rate: formatMoney(s.burnCentsPerHour, locale) });
  };
}
