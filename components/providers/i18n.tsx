"use client";
import { createContext, useCallback, useContext, useMemo } from "react";
import { useRouter } from "next/navigation";
import { LOCALE_COOKIE, THEME_COOKIE, translate, type Locale, type MessageKey, type ThemeMode } from "@/lib/i18n";

// Locale and theme preferences: chosen on the server from cookies (or Accept-Language) and
// switched here by setting the cookie and re-rendering.

type Prefs = {
  locale: Locale;
  theme: ThemeMode;
  setLocale: (l: Locale) => void;
  setTheme: (t: ThemeMode) => void;
};

const PrefsContext = createContext<Prefs | null>(null);

function writeCookie(name: string, value: string) {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in Firefox and Safari
  document.cookie = `${name}=${value}; path=/; max-age=${60 * 60 * 24 * 365}; samesite=lax`;
}

export function PrefsProvider({ locale, theme, children }: { locale: Locale; theme: ThemeMode; children: React.ReactNode }) {
  const router = useRouter();
  const setLocale = useCallback(
    (l: Locale) => {
      writeCookie(LOCALE_COOKIE, l);
      router.refresh();
    },
    [router],
  );
  const setTheme = useCallback(
    (t: ThemeMode) => {
      writeCookie(THEME_COOKIE, t);
      router.refresh();
    },
    [router],
  );
  const value = useMemo(() => ({ locale, theme, setLocale, setTheme }), [locale, theme, setLocale, setTheme]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): Prefs {
  const ctx = useContext(PrefsContext);
  if (!ctx) throw new Error("usePrefs outside PrefsProvider");
  return ctx;
}

/** Translates in the reader's language; `locale` says which (for words not in the catalogue, e.g. server messages). */
export type T = ((key: MessageKey, vars?: Record<string, string | number>) => string) & { locale?: Locale };

export function useT(): T {
  const { locale } = usePrefs();
  return useMemo<T>(() => Object.assign((key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars), { locale }), [locale]);
}
