"use client";
import { useState } from "react";
import { Alert, Button, Card, Empty, Skeleton, Space, Table, Typography } from "antd";
import type { TAuditEvent } from "@/lib/contracts/audit";
import { type MyAuditFilters, useMyAuditEvents } from "@/lib/hooks/audit";
import { ActionCell, ActionFilter, EventDetails, ResultCell, ResultFilter, TargetCell, TimeCell } from "../common/audit-event";
import { errorText } from "../common/error-text";
import { tablePagination, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// The signed-in user's own audit events (what they did, sign-ins included), newest first,
// filtered by action and result; a row opens to its user agent, request id and details.

export function MyActivityCard() {
  const t = useT();
  const { locale } = usePrefs();
  const [filters, setFilters] = useState<MyAuditFilters>({ page: 1, pageSize: 10 });
  const events = useMyAuditEvents(filters);
  const isFiltered = !!(filters.action || filters.result);

  const table = useFittedColumns<TAuditEvent>([
    { title: t("audit.time"), dataIndex: "createdAt", width: 130, render: (v: string) => <TimeCell at={v} /> },
    { title: t("audit.action"), dataIndex: "action", width: 220, render: (a: string) => <ActionCell action={a} /> },
    { title: t("audit.target"), dataIndex: "target", width: 220, from: "sm", render: (tg: TAuditEvent["target"]) => <TargetCell target={tg} /> },
    { title: t("audit.result"), dataIndex: "result", width: 150, render: (_, e) => <ResultCell result={e.result} reason={e.reason} /> },
    { title: t("audit.ip"), dataIndex: "ip", width: 140, from: "md", render: (ip: string | null) => ip ?? "—" },
  ]);

  return (
    <Card title={t("audit.myActivity")} data-testid="my-activity">
      <Typography.Paragraph type="secondary">{t("audit.myActivityHelp")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <ActionFilter value={filters.action} onChange={(action) => setFilters((f) => ({ ...f, page: 1, action }))} testId="my-activity-action" />
        <ResultFilter value={filters.result} onChange={(result) => setFilters((f) => ({ ...f, page: 1, result }))} testId="my-activity-result" />
      </Space>
      {events.isError ? (
        <Alert
          type="error"
          showIcon
          data-testid="my-activity-error"
          title={errorText(t, events.error, locale)}
          action={
            <Button size="small" onClick={() => void events.refetch()}>
              {t("common.retry")}
            </Button>
          }
        />
      ) : (
        <Table<TAuditEvent>
          rowKey="id"
          data-testid="my-activity-table"
          loading={events.isFetching && !!events.data}
          dataSource={events.data?.items ?? []}
          expandable={{ expandedRowRender: (e) => <EventDetails event={e} compact /> }}
          locale={{
            emptyText: !events.data ? (
              <Skeleton active paragraph={{ rows: 3 }} />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={isFiltered ? t("audit.noMatch") : t("audit.myEmpty")} />
            ),
          }}
          pagination={tablePagination(t, filters, events.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
          {...table}
        />
      )}
    </Card>
  );
}
