"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import dayjs, { type Dayjs } from "dayjs";
import { DatePicker, Flex, Grid, Segmented, Space, Table, Typography } from "antd";
import type { TUsageRow } from "@/lib/contracts/billing";
import { useUsage, type UsageFilters } from "@/lib/hooks/billing";
import { formatMoney } from "@/lib/format";
import { LoadError } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { LedgerTable } from "./ledger-table";
import { runningTime } from "./ledger-text";

// Usage, readable: what each instance cost and how long it ran, per day (at the browser's
// midnight) or per instance over the period (default: the last 30 days). A row opens to its
// ledger entries (one per metering interval), so every sum can be checked.

const keyOf = (r: TUsageRow) => `${r.instanceId}:${r.day ?? ""}`;

export function UsageTable({ userId }: { userId?: string }) {
  const t = useT();
  const { locale } = usePrefs();
  // Phones: day and spec go under the instance's name and the running time under the cost,
  // so a row fits.
  const wide = Grid.useBreakpoint().md !== false;
  const [groupBy, setGroupBy] = useState<UsageFilters["groupBy"]>("day");
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const q: UsageFilters = {
    groupBy,
    userId,
    from: range?.[0]?.startOf("day").toISOString(),
    to: range?.[1]?.add(1, "day").startOf("day").toISOString(),
  };
  const usage = useUsage(q);
  const data = usage.data;

  if (usage.isError && !data) return <LoadError onRetry={() => void usage.refetch()} />;
  /** A row's entries: that local day's, or the whole period's. */
  const scopeOf = (r: TUsageRow) =>
    r.day
      ? { instanceId: r.instanceId, from: dayjs(r.day).startOf("day").toISOString(), to: dayjs(r.day).add(1, "day").startOf("day").toISOString() }
      : { instanceId: r.instanceId, from: data?.from, to: data?.to };
  return (
    <>
      <Flex wrap gap="middle" align="center" justify="space-between" style={{ marginBottom: 16 }}>
        <Flex wrap gap="middle" align="center">
          <Segmented<UsageFilters["groupBy"]>
            value={groupBy}
            onChange={setGroupBy}
            options={[
              { value: "day", label: t("billing.usageByDay") },
              { value: "instance", label: t("billing.usageByInstance") },
            ]}
          />
          <DatePicker.RangePicker value={range} onChange={setRange} />
        </Flex>
        {data && (
          <Typography.Text strong data-testid="usage-total">
            {t("billing.usageTotal", { cost: formatMoney(data.usageCents, locale), time: runningTime(t, data.runningSeconds, locale) })}
          </Typography.Text>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t("billing.usageHelp")}
      </Typography.Paragraph>
      <Table<TUsageRow>
        rowKey={keyOf}
        size="middle"
        data-testid="usage"
        loading={usage.isFetching && !data}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t("billing.usageEmpty") }}
        scroll={wide ? { x: 640 } : undefined}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        expandable={{ expandedRowRender: (r) => <LedgerTable userId={userId} scope={scopeOf(r)} /> }}
        columns={[
          ...(groupBy === "day" && wide ? [{ title: t("billing.day"), dataIndex: "day", width: 120 }] : []),
          {
            title: t("billing.instance"),
            dataIndex: "instanceName",
            ellipsis: true,
            render: (name: string, r: TUsageRow) =>
              wide ? (
                <Link href={`/instances/${r.instanceId}`}>{name}</Link>
              ) : (
                <Space orientation="vertical" size={0}>
                  <Link href={`/instances/${r.instanceId}`}>{name}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[r.day, r.specName].filter(Boolean).join(" · ")}
                  </Typography.Text>
                </Space>
              ),
          },
          ...(wide ? [{ title: t("billing.spec"), dataIndex: "specName", ellipsis: true }] : []),
          ...(wide
            ? [
                {
                  title: t("billing.runningTime"),
                  dataIndex: "runningSeconds",
                  align: "right" as const,
                  width: 140,
                  render: (s: number) => runningTime(t, s, locale),
                },
              ]
            : []),
          {
            title: t("billing.cost"),
            dataIndex: "usageCents",
            align: "right",
            width: wide ? 130 : 100,
            render: (c: number, r: TUsageRow) => (
              <Space orientation="vertical" size={0} align="end">
                <Typography.Text strong>{formatMoney(c, locale)}</Typography.Text>
                {!wide && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {runningTime(t, r.runningSeconds, locale)}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
