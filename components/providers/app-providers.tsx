"use client";
import { useEffect, useState } from "react";
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider, theme as antTheme } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { z } from "zod";
import { ApiError } from "@/lib/api/client";
import type { Locale, ThemeMode } from "@/lib/i18n";
import { PrefsProvider } from "./i18n";

// Client-side providers: react-query, antd (locale, theme, App for message/modal), prefs.

// The pages' CSP forbids eval; zod would probe for it (a reported violation) before falling
// back to what jitless does anyway. The server keeps zod's compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

/**
 * While the page signs itself in again (after its own password change ended the old
 * session), a request that meets the old session's 401 must not send it to sign-in.
 */
let reauthenticating = 0;
export async function whileReauthenticating<T>(fn: () => Promise<T>): Promise<T> {
  reauthenticating++;
  try {
    return await fn();
  } finally {
    reauthenticating--;
  }
}

function onUnauthenticated(err: unknown) {
  // A revoked or expired session: go to sign-in instead of showing broken pages.
  if (err instanceof ApiError && err.status === 401 && reauthenticating === 0 && !window.location.pathname.startsWith("/login")) {
    window.location.assign(`/login?reason=session&callbackUrl=${encodeURIComponent(window.location.pathname)}`);
  }
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onUnauthenticated }),
    mutationCache: new MutationCache({ onError: onUnauthenticated }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function AppProviders({ locale, theme, children }: { locale: Locale; theme: ThemeMode; children: React.ReactNode }) {
  const [client] = useState(makeQueryClient);
  // Marks the page as interactive: before hydration a click on a server-rendered button does
  // nothing. Browser tests wait for it after each page load (e2e/fixtures.ts).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  dayjs.locale(locale === "zh-CN" ? "zh-cn" : "en");
  return (
    <PrefsProvider locale={locale} theme={theme}>
      <QueryClientProvider client={client}>
        <ConfigProvider
          locale={locale === "zh-CN" ? zhCN : enUS}
          theme={{
            algorithm: theme === "dark" ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm,
            token: { colorPrimary: "#4f46e5", borderRadius: 8 },
          }}
        >
          {/* Toasts start below the drawers' title bar (65 px with its buttons), so they never hide a drawer's
              title, close button or its Save; notifications keep to the bottom right. */}
          <AntApp message={{ top: 72 }} notification={{ placement: "bottomRight" }}>
            {children}
          </AntApp>
        </ConfigProvider>
      </QueryClientProvider>
    </PrefsProvider>
  );
}
