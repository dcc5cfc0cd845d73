import dayjs from "dayjs";
import type { Locale } from "./i18n";

// Display formatting shared by pages. Money arrives as integer cents.

export const CURRENCY = "CNY";

export function formatMoney(cents: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: CURRENCY }).format(cents / 100);
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format("YYYY-MM-DD HH:mm") : "—";
}
