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

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB"];

/** The binary unit that suits a chart's largest value, so its ticks are round numbers of it (5 GB, not 4.7 GB). */
export function byteScale(max: number): { divisor: number; label: string } {
  let k = 0;
  while (k < BYTE_UNITS.length - 1 && max >= 1024 ** (k + 1)) k++;
  return { divisor: 1024 ** k, label: BYTE_UNITS[k]! };
}

/** Bytes in binary units (1024), e.g. "1.5 GB"; empty for null. */
export function formatBytes(n: number | null): string {
  if (n === null) return "";
  const units = BYTE_UNITS;
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatPercent(p: number): string {
  return `${p.toFixed(p >= 10 ? 1 : 2)} %`;
}

/** A duration for people: "3 d 4 h", "2 h 15 min", "12 min", "< 1 min". */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  if (m < 1) return "< 1 min";
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${m} min`;
}
