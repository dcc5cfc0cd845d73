"use client";
import { Card, Segmented, Space, Typography, theme } from "antd";
import { ClusterOutlined } from "@ant-design/icons";
import { LOCALES, type Locale } from "@/lib/i18n";
import { usePrefs, useT } from "../providers/i18n";

/** The centered card of the sign-in and registration pages, with a language switch. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  const t = useT();
  const { locale, setLocale } = usePrefs();
  const { token } = theme.useToken();
  return (
    <div style={{ minHeight: "100vh", display: "flex", alignItems: "center", justifyContent: "center", padding: 16 }}>
      <Space orientation="vertical" size="large" style={{ width: 400, maxWidth: "100%" }}>
        <Space style={{ width: "100%", justifyContent: "space-between" }}>
          <Space>
            <ClusterOutlined style={{ fontSize: 24, color: token.colorPrimary }} />
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t("app.name")}
            </Typography.Text>
          </Space>
          <Segmented<Locale>
            aria-label={t("common.language")}
            size="small"
            value={locale}
            onChange={setLocale}
            options={LOCALES.map((l) => ({ value: l, label: l === "zh-CN" ? "中文" : "EN" }))}
          />
        </Space>
        <Card>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph>}
          {children}
        </Card>
      </Space>
    </div>
  );
}
