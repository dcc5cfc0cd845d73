"use client";
import { useState } from "react";
import { Button, Card, Drawer, Form, Space, Tag, Tooltip, Typography } from "antd";
import { DownloadOutlined, EyeOutlined, UndoOutlined } from "@ant-design/icons";
import { AUDIT_RESULTS, type TAuditEvent } from "@/lib/contracts/audit";
import { type AuditFilters, auditExportUrl, useAuditEvents } from "@/lib/hooks/audit";
import { useUrlState } from "@/lib/hooks/url-state";
import { ActionCell, ActionFilter, ActorCell, EventDetails, ResultCell, ResultFilter, TargetCell, TargetTypeFilter, TimeCell } from "../common/audit-event";
import { targetTypeLabel } from "../common/audit-text";
import { queryIssues } from "../common/error-text";
import { FilteredTable } from "../common/filtered-table";
import { TextFilter, TimeRangeFilter, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// Admin: the audit log, newest first. Filters (actor, action, target, result, time, words)
// live in the URL, so a filtered view can be shared; the CSV export takes the same filters.
// An event opens in a drawer with its details, user agent and request id.

const DEFAULTS = { page: 1, pageSize: 20, actor: "", action: "", targetType: "", targetId: "", result: "", requestId: "", from: "", to: "", q: "" };
type UrlFilters = typeof DEFAULTS;

/** The filters the fields on screen show; the server's complaints about them go under them. */
const FIELDS = ["actor", "action", "targetType", "result", "from", "to", "q"] as const;
type Field = (typeof FIELDS)[number];

function filtersOf(url: UrlFilters): AuditFilters {
  const text = (v: string) => v.trim() || undefined;
  return {
    page: url.page,
    pageSize: Math.min(url.pageSize, 100),
    actor: text(url.actor),
    action: text(url.action),
    targetType: text(url.targetType),
    targetId: text(url.targetId),
    result: AUDIT_RESULTS.find((r) => r === url.result),
    requestId: text(url.requestId),
    from: text(url.from),
    to: text(url.to),
    q: text(url.q),
  };
}

export function AuditPage() {
  const t = useT();
  const { locale } = usePrefs();
  const [url, setUrl] = useUrlState(DEFAULTS);
  const filters = filtersOf(url);
  const events = useAuditEvents(filters);
  const [inspectedId, setInspectedId] = useState<string | null>(null);
  const inspected = events.data?.items.find((e) => e.id === inspectedId) ?? null;

  /** A new filter value: back to the first page. */
  const setFilter = (patch: Partial<UrlFilters>) => setUrl((prev) => ({ ...prev, ...patch, page: 1 }));
  /** Only these filters (the drawer's "events of this request/target/actor"). */
  const showOnly = (patch: Partial<UrlFilters>) => {
    setInspectedId(null);
    setUrl((prev) => ({ ...DEFAULTS, pageSize: prev.pageSize, ...patch }));
  };

  const issues = events.isError ? queryIssues(events.error, locale) : null;
  const issueOf = (f: Field) => issues?.[f];
  const statusOf = (f: Field) => (issueOf(f) ? ("error" as const) : undefined);
  const unplaced = issues ? Object.keys(issues).filter((f) => !(FIELDS as readonly string[]).includes(f)) : [];
  const isFiltered = FIELDS.some((f) => filters[f] !== undefined) || !!filters.targetId || !!filters.requestId;
  const { page: _p, pageSize: _s, ...selection } = filters;

  const table = useFittedColumns<TAuditEvent>([
    { title: t("audit.time"), dataIndex: "createdAt", width: 120, render: (v: string) => <TimeCell at={v} /> },
    { title: t("audit.actor"), dataIndex: "actor", width: 160, render: (a: TAuditEvent["actor"]) => <ActorCell actor={a} /> },
    { title: t("audit.action"), dataIndex: "action", width: 210, render: (a: string) => <ActionCell action={a} /> },
    { title: t("audit.target"), dataIndex: "target", width: 200, from: "md", render: (tg: TAuditEvent["target"]) => <TargetCell target={tg} /> },
    { title: t("audit.result"), dataIndex: "result", width: 150, render: (_, e) => <ResultCell result={e.result} reason={e.reason} /> },
    { title: t("audit.ip"), dataIndex: "ip", width: 140, from: "lg", render: (ip: string | null) => ip ?? "—" },
    {
      title: t("common.actions"),
      width: 110,
      actions: true,
      render: (_, e) => (
        <Button size="small" icon={<EyeOutlined />} onClick={() => setInspectedId(e.id)} data-testid={`audit-inspect-${e.id}`}>
          {t("audit.inspect")}
        </Button>
      ),
    },
  ]);

  const exportButton = (
    <Tooltip title={t("audit.exportHelp")}>
      <Button icon={<DownloadOutlined />} href={issues ? undefined : auditExportUrl(selection)} disabled={!!issues} data-testid="audit-export">
        {t("audit.export")}
      </Button>
    </Tooltip>
  );

  return (
    <Card title={t("audit.title")} extra={exportButton}>
      <Typography.Paragraph type="secondary">{t("audit.intro")}</Typography.Paragraph>
      <Form layout="inline" component="div" style={{ rowGap: 12, marginBottom: 16 }} data-testid="audit-filters">
        <Form.Item validateStatus={statusOf("actor")} help={issueOf("actor")}>
          <TextFilter
            value={filters.actor}
            onChange={(actor) => setFilter({ actor: actor ?? "" })}
            placeholder={t("audit.actorPlaceholder")}
            width={200}
            status={statusOf("actor")}
            testId="audit-filter-actor"
          />
        </Form.Item>
        <Form.Item validateStatus={statusOf("action")} help={issueOf("action")}>
          <ActionFilter
            value={filters.action}
            onChange={(action) => setFilter({ action: action ?? "" })}
            status={statusOf("action")}
            testId="audit-filter-action"
          />
        </Form.Item>
        <Form.Item validateStatus={statusOf("targetType")} help={issueOf("targetType")}>
          <TargetTypeFilter
            value={filters.targetType}
            onChange={(targetType) => setFilter({ targetType: targetType ?? "" })}
            status={statusOf("targetType")}
            testId="audit-filter-target-type"
          />
        </Form.Item>
        <Form.Item>
          <ResultFilter value={filters.result} onChange={(result) => setFilter({ result: result ?? "" })} testId="audit-filter-result" />
        </Form.Item>
        <Form.Item validateStatus={statusOf("from") ?? statusOf("to")} help={issueOf("from") ?? issueOf("to")}>
          <TimeRangeFilter
            from={filters.from}
            to={filters.to}
            onChange={(r) => setFilter(r)}
            status={statusOf("from") ?? statusOf("to")}
            testId="audit-filter-range"
          />
        </Form.Item>
        <Form.Item validateStatus={statusOf("q")} help={issueOf("q")}>
          <TextFilter
            value={filters.q}
            onChange={(q) => setFilter({ q: q ?? "" })}
            placeholder={t("audit.searchPlaceholder")}
            width={240}
            status={statusOf("q")}
            testId="audit-filter-q"
          />
        </Form.Item>
        <Form.Item>
          <Button icon={<UndoOutlined />} disabled={!isFiltered} onClick={() => showOnly({})} data-testid="audit-filter-reset">
            {t("audit.reset")}
          </Button>
        </Form.Item>
      </Form>
      {(filters.requestId || filters.targetId) && (
        <Space wrap style={{ marginBottom: 16 }}>
          {filters.requestId && (
            <Tag closable onClose={() => setFilter({ requestId: "" })} data-testid="audit-filter-request">
              {t("audit.byRequest", { id: filters.requestId })}
            </Tag>
          )}
          {filters.targetId && (
            <Tag closable onClose={() => setFilter({ targetId: "" })} data-testid="audit-filter-target">
              {t("audit.byTarget", { type: filters.targetType ? targetTypeLabel(t, filters.targetType) : "", id: filters.targetId })}
            </Tag>
          )}
        </Space>
      )}
      <FilteredTable<TAuditEvent>
        query={events}
        refusedFilters={issues}
        filtersPlaced={!unplaced.length}
        isFiltered={isFiltered}
        empty={t("audit.empty")}
        noMatch={t("audit.noMatch")}
        testId="audit"
        page={filters}
        onPage={(page, pageSize) => setUrl((prev) => ({ ...prev, page, pageSize }))}
        rowKey="id"
        {...table}
      />
      <Drawer title={t("audit.eventTitle")} open={!!inspected} onClose={() => setInspectedId(null)} width={640} destroyOnHidden>
        {inspected && (
          <EventDetails
            event={inspected}
            links={{
              onRequest: (requestId) => showOnly({ requestId }),
              onTarget: ({ type, id }) => showOnly({ targetType: type, targetId: id }),
              onActor: (actor) => showOnly({ actor }),
            }}
          />
        )}
      </Drawer>
    </Card>
  );
}
