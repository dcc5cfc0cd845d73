import type { Locale } from "./i18n";

// The one place that turns money, times, durations, bytes and percentages into text, in the
// user's language. Money arrives as integer cents. Times are 24-hour in both languages and
// dates numeric (2026-03-05), so a table reads the same whichever language is chosen.

export const CURRENCY = "CNY";
/** The one currency symbol pages show ("narrowSymbol": en-US would otherwise say "CN¥"). */
export const CURRENCY_SYMBOL = "¥";

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(locale: Locale, decimals: number): Intl.NumberFormat {
  const key = `${locale}:${decimals}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: CURRENCY,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    moneyFormats.set(key, f);
  }
  return f;
}

/**
 * "¥1,234.50", "-¥0.05"; `signed` adds "+" to positive amounts (ledger credits). `compact`
 * drops the cents of whole amounts (chart axes: "¥1,200").
 */
export function formatMoney(cents: number, locale: Locale, opts: { signed?: boolean; compact?: boolean } = {}): string {
  const decimals = opts.compact && Number.isInteger(cents / 100) ? 0 : 2;
  const text = moneyFormat(locale, decimals).format(cents / 100);
  return opts.signed && cents > 0 ? `+${text}` : text;
}

const pad = (n: number) => String(n).padStart(2, "0");
function parts(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2026-03-05" in the browser's time zone; "—" for nothing. */
export function formatDate(value: string | number | Date | null | undefined): string {
  const d = value === null || value === undefined ? null : parts(value);
  return d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : "—";
}

/** "14:03" (or "14:03:09" with seconds), 24-hour; "—" for nothing. */
export function formatClock(value: string | number | Date | null | undefined, opts: { seconds?: boolean } = {}): string {
  const d = value === null || value === undefined ? null : parts(value);
  if (!d) return "—";
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return opts.seconds ? `${hm}:${pad(d.getSeconds())}` : hm;
}

/** "2026-03-05 14:03", 24-hour, in the browser's time zone, the same in both languages; "—" for nothing. */
export function formatTime(value: string | number | Date | null | undefined): string {
  const d = value === null || value === undefined ? null : parts(value);
  return d ? `${formatDate(d)} ${formatClock(d)}` : "—";
}

/** As formatTime, with seconds (runs a second apart). */
export function formatTimeSeconds(value: string | number | Date | null | undefined): string {
  const d = value === null || value === undefined ? null : parts(value);
  return d ? `${formatDate(d)} ${formatClock(d, { seconds: true })}` : "—";
}

const DURATION_UNITS: Record<Locale, { d: string; h: string; min: string; under: string; join: string }> = {
  "en-US": { d: "d", h: "h", min: "min", under: "< 1 min", join: " " },
  "zh-CN": { d: "天", h: "小时", min: "分钟", under: "不到 1 分钟", join: " " },
};

/** A short duration with seconds: "42 s", "3 min 5 s", then as formatDuration; zh-CN "42 秒". */
export function formatSeconds(seconds: number, locale: Locale): string {
  const s = Math.max(0, Math.round(seconds));
  const sec = locale === "zh-CN" ? "秒" : "s";
  if (s < 60) return `${s} ${sec}`;
  if (s < 3600) return s % 60 ? `${formatDuration(s, locale)} ${s % 60} ${sec}` : formatDuration(s, locale);
  return formatDuration(s, locale);
}

/** A duration for people: "3 d 4 h", "2 h 15 min", "12 min", "< 1 min"; zh-CN "3 天 4 小时". */
export function formatDuration(seconds: number, locale: Locale): string {
  const u = DURATION_UNITS[locale];
  const m = Math.floor(seconds / 60);
  if (m < 1) return u.under;
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const part = (n: number, unit: string) => `${n} ${unit}`;
  if (d > 0) return h ? [part(d, u.d), part(h, u.h)].join(u.join) : part(d, u.d);
  if (h > 0) return m % 60 ? [part(h, u.h), part(m % 60, u.min)].join(u.join) : part(h, u.h);
  return part(m, u.min);
}

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB"];

/** The binary unit that suits a chart's largest value, so its ticks are round numbers of it (5 GB, not 4.7 GB). */
export function byteScale(max: number): { divisor: number; label: string } {
  let k = 0;
  while (k < BYTE_UNITS.length - 1 && max >= 1024 ** (k + 1)) k++;
  return { divisor: 1024 ** k, label: BYTE_UNITS[k]! };
}

/** Bytes in binary units (1024), e.g. "1.5 GB"; empty for null. Units read the same in both languages. */
export function formatBytes(n: number | null): string {
  if (n === null) return "";
  let i = 0;
  let v = n;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${BYTE_UNITS[i]}`;
}

/** "12.5%", "0.25%": one decimal from 10 % up, two below (small loads stay visible). */
export function formatPercent(p: number): string {
  return `${Number(p.toFixed(p >= 10 ? 1 : 2))}%`;
}

/** A plain number in the user's language ("1,000,000"). */
export function formatNumber(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(n);
}

/**
 * A chart's value axis from 0: a round step (1, 2, 2.5 or 5 × 10ⁿ, never below
 * `minInterval`; whole when `integer`), a top that is a whole number of steps, and the
 * decimals the step needs, so no two ticks print alike ("0%" five times when every value
 * is tiny).
 */
export function axisScale(
  max: number,
  opts: { minInterval?: number; integer?: boolean; ticks?: number } = {},
): { max: number; interval: number; decimals: number } {
  const floor = Math.max(opts.minInterval ?? 0, opts.integer ? 1 : 0);
  const raw = Math.max(Number.isFinite(max) && max > 0 ? max / (opts.ticks ?? 4) : 0, floor, 1e-12);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const candidates = [1, 2, 2.5, 5, 10].map((m) => Number((m * magnitude).toPrecision(12))).filter((s) => !opts.integer || Number.isInteger(s));
  const interval = Math.max(candidates.find((s) => s >= raw * (1 - 1e-9)) ?? 10 * magnitude, floor);
  let decimals = 0;
  while (decimals < 12 && Math.abs(interval * 10 ** decimals - Math.round(interval * 10 ** decimals)) > 1e-6) decimals++;
  const top = Math.max(1, Math.ceil(max / interval - 1e-9)) * interval;
  return { max: Number(top.toFixed(decimals)), interval, decimals };
}
