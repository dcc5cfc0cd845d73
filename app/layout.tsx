import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { AntdRegistry } from "@ant-design/nextjs-registry";
import { AppProviders } from "@/components/providers/app-providers";
import { isLocale, LOCALE_COOKIE, negotiateLocale, THEME_COOKIE, type ThemeMode } from "@/lib/i18n";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AI Infra Console", template: "%s · AI Infra Console" },
  description: "Self-hosted GPU compute console",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const saved = cookieStore.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(saved) ? saved : negotiateLocale(headerStore.get("accept-language"));
  const theme: ThemeMode = cookieStore.get(THEME_COOKIE)?.value === "dark" ? "dark" : "light";
  return (
    <html lang={locale} data-theme={theme}>
      <body>
        <AntdRegistry>
          <AppProviders locale={locale} theme={theme}>
            {children}
          </AppProviders>
        </AntdRegistry>
      </body>
    </html>
  );
}
