import cronstrue from "cronstrue";
import "cronstrue/locales/zh_CN.js";
import type { Locale } from "./i18n";

// A cron expression in words, in the reader's language (cronstrue). Browser pages and tests.

/** The expression in words ("At 03:00 AM, only on Monday"), or null when it cannot be read. */
export function describeCron(cron: string, locale: Locale): string | null {
  try {
    return cronstrue.toString(cron, { locale: locale === "zh-CN" ? "zh_CN" : "en", use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return null;
  }
}
