"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import type { Dayjs } from "dayjs";
import { Button, DatePicker, Select, Space, Table, Tag, Typography } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import { LEDGER_KINDS, type TLedgerEntry, type TLedgerKind } from "@/lib/contracts/billing";
import { ledgerExportUrl, useLedger, type LedgerFilters } from "@/lib/hooks/billing";
import { formatClock, formatMoney, formatTime } from "@/lib/format";
import { LoadError, tablePagination, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { entryText } from "./ledger-text";

// A ledger, newest first: every change of a balance with what it was for (the instance and
// the running time for usage, said in the reader's language), filtered by type and dates,
// with a CSV export of the same selection. One's own, or (administrators) a user's given by
// `userId`. `scope`: one instance's entries in a time range (the usage table's drill-down),
// without the filters.

const KIND_COLOR: Record<TLedgerKind, string> = { recharge: "green", usage: "blue", adjustment: "gold", refund: "cyan" };

export function LedgerTable({ userId, scope }: { userId?: string; scope?: { instanceId: string; from?: string; to?: string } }) {
  const t = useT();
  const { locale } = usePrefs();
  const [filters, setFilters] = useState<LedgerFilters>({ page: 1, pageSize: scope ? 10 : 20, userId, ...scope });
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const ledger = useLedger(filters);
  const money = (c: number) => formatMoney(c, locale);
  const table = useFittedColumns<TLedgerEntry>([
    { title: t("billing.time"), dataIndex: "createdAt", width: 150, render: (v: string) => formatTime(v) },
    { title: t("billing.kind"), dataIndex: "kind", width: 110, render: (k: TLedgerKind) => <Tag color={KIND_COLOR[k]}>{t(`billing.kinds.${k}`)}</Tag> },
    {
      title: t("billing.amount"),
      dataIndex: "amountCents",
      align: "right",
      width: 120,
      render: (c: number) => (
        <Typography.Text type={c > 0 ? "success" : c < 0 ? "danger" : "secondary"} strong>
          {formatMoney(c, locale, { signed: true })}
        </Typography.Text>
      ),
    },
    { title: t("billing.balanceAfter"), dataIndex: "balanceAfterCents", align: "right", width: 130, render: (c: number) => money(c) },
    ...(scope
      ? []
      : [
          {
            title: t("billing.instance"),
            dataIndex: "instanceName",
            width: 160,
            ellipsis: true,
            render: (name: string | null, e: TLedgerEntry) => (e.instanceId && name ? <Link href={`/instances/${e.instanceId}`}>{name}</Link> : "—"),
          },
        ]),
    {
      title: t("billing.details"),
      dataIndex: "note",
      width: 240,
      render: (_: string | null, e) => (
        <Space orientation="vertical" size={0}>
          <span>{entryText(t, e, locale)}</span>
          {e.periodStart && e.periodEnd && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("billing.period", { from: formatClock(e.periodStart, { seconds: true }), to: formatClock(e.periodEnd, { seconds: true }) })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ]);

  if (ledger.isError && !ledger.data) return <LoadError onRetry={() => void ledger.refetch()} />;
  const { page: _p, pageSize: _s, ...selection } = filters;
  return (
    <>
      {!scope && (
        <Space wrap style={{ marginBottom: 16 }}>
          <Select<"" | TLedgerKind>
            aria-label={t("billing.kind")}
            style={{ width: 160 }}
            value={filters.kind ?? ""}
            onChange={(kind) => setFilters((f) => ({ ...f, page: 1, kind: kind || undefined }))}
            options={[{ value: "", label: t("billing.allKinds") }, ...LEDGER_KINDS.map((k) => ({ value: k, label: t(`billing.kinds.${k}`) }))]}
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(r) => {
              setRange(r);
              setFilters((f) => ({ ...f, page: 1, from: r?.[0]?.startOf("day").toISOString(), to: r?.[1]?.endOf("day").toISOString() }));
            }}
          />
          <Button icon={<DownloadOutlined />} href={ledgerExportUrl(selection)} data-testid="ledger-export">
            {t("billing.export")}
          </Button>
        </Space>
      )}
      <Table<TLedgerEntry>
        rowKey="id"
        data-testid={scope ? "usage-entries" : "ledger"}
        loading={ledger.isFetching && !ledger.data}
        dataSource={ledger.data?.items ?? []}
        locale={{ emptyText: t("billing.noEntries") }}
        pagination={tablePagination(t, filters, ledger.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
        {...table}
        {...(scope ? { size: "small" as const } : {})}
      />
    </>
  );
}
