"use client";
import Link from "@/components/common/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { Avatar, Button, Dropdown, Grid, Layout, Menu, Segmented, Space, Tooltip, Typography, theme } from "antd";
import {
  ApiOutlined,
  AppstoreOutlined,
  CloudServerOutlined,
  CodeSandboxOutlined,
  DashboardOutlined,
  GiftOutlined,
  LogoutOutlined,
  MoonOutlined,
  ProfileOutlined,
  SunOutlined,
  TeamOutlined,
  UserOutlined,
  WalletOutlined,
  ClusterOutlined,
  ShopOutlined,
  ScheduleOutlined,
  OrderedListOutlined,
  DeploymentUnitOutlined,
  ApartmentOutlined,
  AuditOutlined,
  FileTextOutlined,
  SettingOutlined,
  SendOutlined,
} from "@ant-design/icons";
import type { MenuProps } from "antd";
import { LOCALES, type Locale } from "@/lib/i18n";
import { usePrefs, useT } from "../providers/i18n";
import { LowBalanceBanner } from "../billing/low-balance-banner";
import { NotificationBell } from "../notifications/notification-bell";
import { MaintenanceBanner } from "./maintenance-banner";

// The console frame: sidebar navigation (admin section for admins), top bar with language,
// theme, the notification bell and the user menu; the maintenance and low-balance banners.

export type ShellUser = { username: string; role: "admin" | "user" };

const LOCALE_LABEL: Record<Locale, string> = { "en-US": "English", "zh-CN": "简体中文" };
const LOCALE_SHORT: Record<Locale, string> = { "en-US": "EN", "zh-CN": "中" };

export function AppShell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  // Phones: a tighter frame so pages keep their width (wide until the width is known).
  const wide = Grid.useBreakpoint().md !== false;
  const t = useT();
  const { locale, setLocale, theme: mode, setTheme } = usePrefs();
  const pathname = usePathname();
  const { token } = theme.useToken();

  const link = (href: string, label: string) => <Link href={href}>{label}</Link>;
  const items: MenuProps["items"] = [
    { key: "/dashboard", icon: <DashboardOutlined />, label: link("/dashboard", t("nav.dashboard")) },
    { key: "/catalog", icon: <ShopOutlined />, label: link("/catalog", t("nav.catalog")) },
    { key: "/instances", icon: <CodeSandboxOutlined />, label: link("/instances", t("nav.instances")) },
    { key: "/jobs", icon: <ScheduleOutlined />, label: link("/jobs", t("nav.jobs")) },
    { key: "/clusters", icon: <ApartmentOutlined />, label: link("/clusters", t("nav.clusters")) },
    { key: "/billing", icon: <WalletOutlined />, label: link("/billing", t("nav.billing")) },
    { key: "/webhooks", icon: <SendOutlined />, label: link("/webhooks", t("nav.webhooks")) },
    ...(user.role === "admin"
      ? [
          {
            type: "group" as const,
            key: "admin",
            label: t("nav.admin"),
            children: [
              { key: "/admin/images", icon: <AppstoreOutlined />, label: link("/admin/images", t("nav.images")) },
              { key: "/admin/nodes", icon: <CloudServerOutlined />, label: link("/admin/nodes", t("nav.nodes")) },
              { key: "/admin/specs", icon: <ClusterOutlined />, label: link("/admin/specs", t("nav.specs")) },
              { key: "/admin/users", icon: <TeamOutlined />, label: link("/admin/users", t("nav.users")) },
              { key: "/admin/recharge-codes", icon: <GiftOutlined />, label: link("/admin/recharge-codes", t("nav.rechargeCodes")) },
              { key: "/admin/queue", icon: <OrderedListOutlined />, label: link("/admin/queue", t("nav.queue")) },
              { key: "/admin/workers", icon: <DeploymentUnitOutlined />, label: link("/admin/workers", t("nav.workers")) },
              { key: "/admin/clusters", icon: <ApartmentOutlined />, label: link("/admin/clusters", t("nav.clusters")) },
              { key: "/admin/audit", icon: <AuditOutlined />, label: link("/admin/audit", t("nav.audit")) },
              { key: "/admin/system-logs", icon: <FileTextOutlined />, label: link("/admin/system-logs", t("nav.systemLogs")) },
              { key: "/admin/settings", icon: <SettingOutlined />, label: link("/admin/settings", t("nav.settings")) },
            ],
          },
        ]
      : []),
  ];
  const selected = [
    ...["/dashboard", "/catalog", "/instances", "/jobs", "/clusters", "/billing", "/webhooks", "/profile"],
    ...(user.role === "admin"
      ? [
          "/admin/images",
          "/admin/nodes",
          "/admin/specs",
          "/admin/users",
          "/admin/recharge-codes",
          "/admin/queue",
          "/admin/workers",
          "/admin/clusters",
          "/admin/audit",
          "/admin/system-logs",
          "/admin/settings",
        ]
      : []),
  ].filter((k) => pathname === k || pathname.startsWith(`${k}/`));
  // A run belongs to its job.
  if (pathname.startsWith("/runs/")) selected.push("/jobs");

  const userMenu: MenuProps["items"] = [
    { key: "profile", icon: <ProfileOutlined />, label: <Link href="/profile">{t("nav.profile")}</Link> },
    {
      key: "docs",
      icon: <ApiOutlined />,
      label: (
        <a href="/api/docs" target="_blank" rel="noreferrer">
          {t("nav.apiDocs")}
        </a>
      ),
    },
    { type: "divider" },
    {
      key: "signout",
      icon: <LogoutOutlined />,
      label: t("nav.signOut"),
      onClick: () => void signOut({ callbackUrl: "/login" }),
    },
  ];

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={64} theme="light" width={220} style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}>
        <div style={{ height: 56, display: "flex", alignItems: "center", gap: 8, padding: "0 20px", fontWeight: 600 }}>
          <ClusterOutlined style={{ color: token.colorPrimary, fontSize: 20 }} />
          <Typography.Text strong ellipsis>
            {t("app.name")}
          </Typography.Text>
        </div>
        <Menu mode="inline" selectedKeys={selected} items={items} style={{ borderInlineEnd: 0 }} />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            display: "flex",
            justifyContent: "flex-end",
            alignItems: "center",
            padding: wide ? "0 24px" : "0 8px",
            height: 56,
          }}
        >
          <Space size={wide ? "middle" : "small"}>
            <Segmented<Locale>
              aria-label={t("common.language")}
              value={locale}
              onChange={(v) => setLocale(v)}
              size={wide ? "middle" : "small"}
              options={LOCALES.map((l) => ({ value: l, label: wide ? LOCALE_LABEL[l] : LOCALE_SHORT[l] }))}
            />
            <Tooltip title={mode === "dark" ? t("common.light") : t("common.dark")}>
              <Button
                aria-label={t("common.theme")}
                shape="circle"
                icon={mode === "dark" ? <SunOutlined /> : <MoonOutlined />}
                onClick={() => setTheme(mode === "dark" ? "light" : "dark")}
              />
            </Tooltip>
            <NotificationBell />
            <Dropdown menu={{ items: userMenu }} trigger={["click"]}>
              <Button type="text" data-testid="user-menu" aria-label={user.username} icon={<Avatar size="small" icon={<UserOutlined />} />}>
                {wide && user.username}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: wide ? 24 : 8 }}>
          <MaintenanceBanner />
          <LowBalanceBanner />
          {children}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
