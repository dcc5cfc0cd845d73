"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import dayjs from "dayjs";
import { Button, Card, DatePicker, Form, Select, Space, Tag, Tooltip, Typography } from "antd";
import { DownloadOutlined, UndoOutlined } from "@ant-design/icons";
import type { TSystemLog } from "@/lib/contracts/system-logs";
import { type SystemLogFilters, systemLogExportUrl, useSystemLogs } from "@/lib/hooks/system-logs";
import { useUrlState } from "@/lib/hooks/url-state";
import { TimeCell } from "../common/audit-event";
import { CodeBlock } from "../common/code-block";
import { queryIssues } from "../common/error-text";
import { FilteredTable } from "../common/filtered-table";
import { TextFilter, TimeRangeFilter, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { contextSummary, requestIdOf } from "./system-log-context";

// Admin: the system log, the console's own warn, error and fatal lines, newest first. Filters
// (least level, time, words) live in the URL like the audit log's; a row opens to its whole
// message and context. One UTC day of the log downloads as NDJSON.

const DEFAULTS = { page: 1, pageSize: 20, level: "", from: "", to: "", q: "" };
type UrlFilters = typeof DEFAULTS;

/** The filters the fields on screen show; the server's complaints about them go under them. */
const FIELDS = ["level", "from", "to", "q"] as const;
type Field = (typeof FIELDS)[number];

/** The least levels to choose ("warn", every line, is no filter). */
const LEVEL_FILTERS = ["error", "fatal"] as const;
const LEVEL_COLORS: Record<TSystemLog["level"], string> = { warn: "orange", error: "red", fatal: "magenta" };

function filtersOf(url: UrlFilters): SystemLogFilters & { level?: (typeof LEVEL_FILTERS)[number] } {
  const text = (v: string) => v.trim() || undefined;
  return {
    page: url.page,
    pageSize: Math.min(url.pageSize, 100),
    level: LEVEL_FILTERS.find((l) => l === url.level),
    from: text(url.from),
    to: text(url.to),
    q: text(url.q),
  };
}

/** Today in UTC, YYYY-MM-DD: the export's days are UTC days. */
const todayUtc = () => new Date().toISOString().slice(0, 10);

function LevelTag({ level }: { level: TSystemLog["level"] }) {
  const t = useT();
  return (
    <Tag color={LEVEL_COLORS[level]} style={{ marginInlineEnd: 0 }}>
      {t(`systemLogs.levels.${level}`)}
    </Tag>
  );
}

/** Where it happened, in short (module, node, instance, run, request ...); "—" when the line says nothing of it. */
function ContextCell({ context }: { context: TSystemLog["context"] }) {
  const parts = contextSummary(context);
  if (!parts.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {parts.map((p) => (
        <Tag key={p.key} title={`${p.key}: ${p.value}`} style={{ marginInlineEnd: 0, maxWidth: 220, overflow: "hidden", textOverflow: "ellipsis" }}>
          <Typography.Text type="secondary" style={{ fontSize: "inherit" }}>
            {p.key}:
          </Typography.Text>{" "}
          {p.value}
        </Tag>
      ))}
    </Space>
  );
}

/** A line in full: its whole message, its context as JSON (copyable), and the audit events of its request. */
function LineDetails({ line }: { line: TSystemLog }) {
  const t = useT();
  const json = Object.keys(line.context).length ? JSON.stringify(line.context, null, 2) : null;
  const requestId = requestIdOf(line.context);
  return (
    <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="system-logs-details">
      <Typography.Paragraph
        copyable={{ text: line.message, tooltips: [t("common.copy"), t("common.copied")] }}
        style={{ marginBottom: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
      >
        {line.message}
      </Typography.Paragraph>
      {json ? <CodeBlock text={json} testId="system-logs-context" /> : <Typography.Text type="secondary">{t("systemLogs.noContext")}</Typography.Text>}
      {requestId && (
        <Link href={`/admin/audit?requestId=${encodeURIComponent(requestId)}`} data-testid="system-logs-request-audit">
          {t("systemLogs.auditOfRequest")}
        </Link>
      )}
    </Space>
  );
}

/** The day picker (UTC days up to today) and the link that downloads that day's lines. */
function DayDownload() {
  const t = useT();
  const [day, setDay] = useState(todayUtc);
  return (
    <Space wrap>
      <DatePicker
        value={dayjs(day)}
        onChange={(d) => d && setDay(d.format("YYYY-MM-DD"))}
        allowClear={false}
        disabledDate={(d) => d.format("YYYY-MM-DD") > todayUtc()}
        aria-label={t("systemLogs.downloadDay")}
        style={{ width: 140 }}
        data-testid="system-logs-download-day"
      />
      <Tooltip title={t("systemLogs.downloadHelp")}>
        <Button icon={<DownloadOutlined />} href={systemLogExportUrl(day)} data-testid="system-logs-download">
          {t("systemLogs.download")}
        </Button>
      </Tooltip>
    </Space>
  );
}

export function SystemLogsPage() {
  const t = useT();
  const { locale } = usePrefs();
  const [url, setUrl] = useUrlState(DEFAULTS);
  const filters = filtersOf(url);
  const lines = useSystemLogs(filters);

  /** A new filter value: back to the first page. */
  const setFilter = (patch: Partial<UrlFilters>) => setUrl((prev) => ({ ...prev, ...patch, page: 1 }));

  const issues = lines.isError ? queryIssues(lines.error, locale) : null;
  const issueOf = (f: Field) => issues?.[f];
  const statusOf = (f: Field) => (issueOf(f) ? ("error" as const) : undefined);
  const unplaced = issues ? Object.keys(issues).filter((f) => !(FIELDS as readonly string[]).includes(f)) : [];
  const isFiltered = FIELDS.some((f) => filters[f] !== undefined);

  const table = useFittedColumns<TSystemLog>([
    { title: t("systemLogs.time"), dataIndex: "createdAt", width: 120, render: (v: string) => <TimeCell at={v} /> },
    { title: t("systemLogs.level"), dataIndex: "level", width: 90, render: (l: TSystemLog["level"]) => <LevelTag level={l} /> },
    {
      title: t("systemLogs.message"),
      dataIndex: "message",
      width: 360,
      render: (m: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0, overflowWrap: "anywhere" }}>
          {m}
        </Typography.Paragraph>
      ),
    },
    { title: t("systemLogs.context"), dataIndex: "context", width: 240, from: "xl", render: (c: TSystemLog["context"]) => <ContextCell context={c} /> },
  ]);

  return (
    <Card title={t("systemLogs.title")} extra={<DayDownload />}>
      <Typography.Paragraph type="secondary">{t("systemLogs.intro")}</Typography.Paragraph>
      <Form layout="inline" component="div" style={{ rowGap: 12, marginBottom: 16 }} data-testid="system-logs-filters">
        <Form.Item validateStatus={statusOf("level")} help={issueOf("level")}>
          <Select<"" | (typeof LEVEL_FILTERS)[number]>
            aria-label={t("systemLogs.level")}
            style={{ width: 170 }}
            status={statusOf("level")}
            value={filters.level ?? ""}
            onChange={(level) => setFilter({ level })}
            options={[
              { value: "", label: t("systemLogs.levelAll") },
              { value: "error", label: t("systemLogs.levelError") },
              { value: "fatal", label: t("systemLogs.levelFatal") },
            ]}
            data-testid="system-logs-level"
          />
        </Form.Item>
        <Form.Item validateStatus={statusOf("from") ?? statusOf("to")} help={issueOf("from") ?? issueOf("to")}>
          <TimeRangeFilter
            from={filters.from}
            to={filters.to}
            onChange={(r) => setFilter(r)}
            status={statusOf("from") ?? statusOf("to")}
            testId="system-logs-range"
          />
        </Form.Item>
        <Form.Item validateStatus={statusOf("q")} help={issueOf("q")}>
          <TextFilter
            value={filters.q}
            onChange={(q) => setFilter({ q: q ?? "" })}
            placeholder={t("systemLogs.searchPlaceholder")}
            width={260}
            status={statusOf("q")}
            testId="system-logs-search"
          />
        </Form.Item>
        <Form.Item>
          <Button
            icon={<UndoOutlined />}
            disabled={!isFiltered}
            onClick={() => setUrl((prev) => ({ ...DEFAULTS, pageSize: prev.pageSize }))}
            data-testid="system-logs-reset"
          >
            {t("systemLogs.reset")}
          </Button>
        </Form.Item>
      </Form>
      <FilteredTable<TSystemLog>
        query={lines}
        refusedFilters={issues}
        filtersPlaced={!unplaced.length}
        isFiltered={isFiltered}
        empty={t("systemLogs.empty")}
        noMatch={t("systemLogs.noMatch")}
        testId="system-logs"
        page={filters}
        onPage={(page, pageSize) => setUrl((prev) => ({ ...prev, page, pageSize }))}
        rowKey="id"
        expandable={{ expandedRowRender: (line) => <LineDetails line={line} /> }}
        {...table}
      />
    </Card>
  );
}
