"use client";
import { useMemo } from "react";
import { Card, Col, Empty, Flex, Row, Skeleton, Statistic, Typography, theme } from "antd";
import type { TRevenue } from "@/lib/contracts/billing";
import { useAdminStats, useRevenue } from "@/lib/hooks/billing";
import { axisScale, formatMoney } from "@/lib/format";
import { EChart, type LineChartOption } from "../common/echart";
import { LoadError } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// Administrators' view of the business: users, instances, revenue and balances held, and
// revenue charts (usage and recharges per day, usage per spec) over the last 30 days.

function RevenueCharts({ revenue }: { revenue: TRevenue }) {
  const t = useT();
  const { locale } = usePrefs();
  const { token } = theme.useToken();
  const yuan = (cents: number) => formatMoney(Math.round(cents), locale);
  // Whole cents per step: no "¥0.00" printed twice when a day earned a few cents.
  const moneyAxis = (values: number[]) => {
    const { max, interval } = axisScale(Math.max(0, ...values), { integer: true });
    return { min: 0, max, interval, axisLabel: { color: token.colorTextSecondary, formatter: (v: number) => formatMoney(v, locale, { compact: true }) } };
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: yuan and moneyAxis depend only on locale and token
  const byDay = useMemo<LineChartOption>(
    () => ({
      animation: false,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { color: token.colorTextSecondary } },
      tooltip: { trigger: "axis", valueFormatter: (v) => yuan(Number(v)) },
      xAxis: { type: "category", data: revenue.byDay.map((d) => d.day.slice(5)), axisLabel: { color: token.colorTextSecondary } },
      yAxis: {
        type: "value",
        ...moneyAxis(revenue.byDay.flatMap((d) => [d.usageCents, d.rechargeCents])),
        splitLine: { lineStyle: { color: token.colorBorderSecondary } },
      },
      series: [
        { type: "bar", name: t("billing.usageRevenue"), data: revenue.byDay.map((d) => d.usageCents), color: token.colorPrimary },
        { type: "bar", name: t("billing.recharges"), data: revenue.byDay.map((d) => d.rechargeCents), color: token.colorSuccess },
      ],
    }),
    [revenue, token, t, locale],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: yuan and moneyAxis depend only on locale and token
  const bySpec = useMemo<LineChartOption>(
    () => ({
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => yuan(Number(v)) },
      xAxis: {
        type: "value",
        ...moneyAxis(revenue.bySpec.map((s) => s.usageCents)),
        splitLine: { lineStyle: { color: token.colorBorderSecondary } },
      },
      yAxis: {
        type: "category",
        data: revenue.bySpec.map((s) => s.specName).reverse(),
        axisLabel: { color: token.colorTextSecondary, width: 120, overflow: "truncate" },
      },
      series: [{ type: "bar", name: t("billing.usageRevenue"), data: revenue.bySpec.map((s) => s.usageCents).reverse(), color: token.colorPrimary }],
    }),
    [revenue, token, t, locale],
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Card size="small" title={t("billing.revenueByDay")}>
          <EChart option={byDay} testId="revenue-by-day" points={revenue.byDay.length} />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card size="small" title={t("billing.revenueBySpec")}>
          {revenue.bySpec.length ? (
            <EChart option={bySpec} testId="revenue-by-spec" points={revenue.bySpec.length} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("billing.noUsage")} style={{ height: 196, paddingTop: 48 }} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

export function PlatformOverview() {
  const t = useT();
  const { locale } = usePrefs();
  const stats = useAdminStats(true);
  const revenue = useRevenue({});
  if (stats.isLoading || revenue.isLoading) return <Skeleton active />;
  if (!stats.data || !revenue.data) return <LoadError onRetry={() => void Promise.all([stats.refetch(), revenue.refetch()])} />;
  const s = stats.data;
  const all = Object.values(s.instances).reduce((a, b) => a + b, 0);
  const cards: [string, string, string, string | null][] = [
    [t("billing.usersStat"), String(s.users.total), "users", t("billing.activeUsers", { count: s.users.activeLast30Days })],
    [t("billing.instancesStat"), `${s.instances.running ?? 0} / ${all}`, "instances", null],
    [
      t("billing.revenueStat"),
      formatMoney(s.revenue.last30DaysCents, locale),
      "revenue",
      t("billing.allTime", { amount: formatMoney(s.revenue.totalCents, locale) }),
    ],
    [t("billing.balancesStat"), formatMoney(s.balances.totalCents, locale), "balances", null],
  ];
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("billing.platform")}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {cards.map(([title, value, id, note]) => (
          <Col flex="1 1 220px" key={id}>
            <Card size="small" style={{ height: "100%" }}>
              <Statistic title={title} value={value} data-testid={`platform-${id}`} />
              {note && <Typography.Text type="secondary">{note}</Typography.Text>}
            </Card>
          </Col>
        ))}
      </Row>
      <RevenueCharts revenue={revenue.data} />
    </Flex>
  );
}
