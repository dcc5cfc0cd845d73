"use client";
import { type ReactNode, useEffect, useState } from "react";
import dayjs, { type Dayjs } from "dayjs";
import { type Breakpoint, Button, DatePicker, Grid, Input, Result, Select, Space, type TableColumnType, type TablePaginationConfig, Typography } from "antd";
import { useT, type T } from "../providers/i18n";
import { HISTORY_RANGES } from "./history-ranges";

// Building blocks of list pages: a filter bar and its filters (words, time range), server-side
// pagination, an error state with retry.

export function SearchBox({ placeholder, onSearch, defaultValue }: { placeholder: string; onSearch: (v: string | undefined) => void; defaultValue?: string }) {
  return (
    <Input.Search allowClear placeholder={placeholder} defaultValue={defaultValue} style={{ width: 260 }} onSearch={(v) => onSearch(v.trim() || undefined)} />
  );
}

/** A search box applied on Enter, its button or clearing; a change from outside (reset, back button) replaces its text. */
export function TextFilter({
  value,
  onChange,
  placeholder,
  width,
  status,
  testId,
}: {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  placeholder: string;
  width: number;
  status?: "error";
  testId: string;
}) {
  const [draft, setDraft] = useState(value ?? "");
  useEffect(() => setDraft(value ?? ""), [value]);
  return (
    <Input.Search
      allowClear
      aria-label={placeholder}
      placeholder={placeholder}
      value={draft}
      status={status}
      style={{ width }}
      onChange={(e) => setDraft(e.target.value)}
      onSearch={(v) => onChange(v.trim() || undefined)}
      data-testid={testId}
    />
  );
}

/**
 * A time range filter (either end may stay open) with the history look-back presets; the ends
 * are ISO times (whole minutes), "" when open. Unreadable times in the URL show as open ends.
 */
export function TimeRangeFilter({
  from,
  to,
  onChange,
  status,
  testId,
}: {
  from: string | undefined;
  to: string | undefined;
  onChange: (range: { from: string; to: string }) => void;
  status?: "error";
  testId?: string;
}) {
  const t = useT();
  const value: [Dayjs | null, Dayjs | null] = [from && dayjs(from).isValid() ? dayjs(from) : null, to && dayjs(to).isValid() ? dayjs(to) : null];
  return (
    <div data-testid={testId}>
      <DatePicker.RangePicker
        showTime={{ format: "HH:mm" }}
        format="YYYY-MM-DD HH:mm"
        allowEmpty={[true, true]}
        placeholder={[t("common.from"), t("common.to")]}
        aria-label={`${t("common.from")} – ${t("common.to")}`}
        status={status}
        value={value}
        presets={HISTORY_RANGES.map((r) => ({ label: t(r.label), value: () => [dayjs().subtract(r.seconds, "second"), dayjs()] as [Dayjs, Dayjs] }))}
        onChange={(r) =>
          onChange({
            from: r?.[0]?.startOf("minute").toISOString() ?? "",
            to: r?.[1]?.endOf("minute").toISOString() ?? "",
          })
        }
        style={{ width: 330 }}
      />
    </div>
  );
}

export function ListedFilter({
  value,
  onChange,
  labels,
}: {
  value?: "true" | "false";
  onChange: (v: "true" | "false" | undefined) => void;
  labels: { listed: string; unlisted: string };
}) {
  const t = useT();
  return (
    <Select<"" | "true" | "false">
      aria-label={t("common.visibility")}
      style={{ width: 170 }}
      value={value ?? ""}
      onChange={(v) => onChange(v || undefined)}
      options={[
        { value: "", label: `${t("common.visibility")}: ${t("common.all")}` },
        { value: "true", label: labels.listed },
        { value: "false", label: labels.unlisted },
      ]}
    />
  );
}

export function Toolbar({ children }: { children: React.ReactNode }) {
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      {children}
    </Space>
  );
}

export function LoadError({ onRetry }: { onRetry: () => void }) {
  const t = useT();
  return <Result status="error" title={t("common.loadFailed")} extra={<Button onClick={onRetry}>{t("common.retry")}</Button>} />;
}

/**
 * A table column with the width it needs; `from`: shown only from this screen size up;
 * `actions`: the row's buttons (kept in view at the right on wider screens).
 */
export type FitColumn<T> = TableColumnType<T> & { width: number; from?: Breakpoint; actions?: boolean };

export type Screens = Partial<Record<Breakpoint, boolean>>;

function cellOf<T>(c: FitColumn<T>, row: T, index: number): ReactNode {
  const value = typeof c.dataIndex === "string" ? (row as Record<string, unknown>)[c.dataIndex] : undefined;
  return (c.render ? c.render(value, row, index) : value) as ReactNode;
}

/** Phones: one column per row, the first cell on top and the others below it, labelled; buttons last. */
function stacked<T>([first, ...rest]: FitColumn<T>[]): TableColumnType<T> {
  return {
    key: "stacked",
    title: first!.title,
    render: (_: unknown, row: T, index: number) => (
      <Space orientation="vertical" size={4} style={{ width: "100%" }}>
        {cellOf(first!, row, index)}
        {rest.map((c, n) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the columns of a table are fixed
          <div key={n} data-stacked-cell="">
            {!c.actions && typeof c.title === "string" && <Typography.Text type="secondary">{c.title}: </Typography.Text>}
            {cellOf(c, row, index)}
          </div>
        ))}
      </Space>
    ),
  };
}

/**
 * Table props whose columns fit the screen. Each column declares its width; those marked
 * `from` drop out on smaller screens, and the table scrolls sideways only when the remaining
 * columns need more room than there is (at 1440 px, beside the sidebar, about 1120 px), the
 * actions column staying in view at the right. On phones each row becomes one stacked cell
 * (labelled values, then the buttons), so nothing hides off-screen. Cells are compact below
 * desktop widths. `screens` is Grid.useBreakpoint()'s answer.
 */
export function fitColumns<T>(screens: Screens, columns: FitColumn<T>[]): { columns: TableColumnType<T>[]; scroll?: { x: number }; size: "small" | "middle" } {
  // Before the first measurement (server render) every column shows.
  const shown = columns.filter((c) => !c.from || screens[c.from] !== false);
  if (screens.md === false && shown.length > 1) return { columns: [stacked(shown)], size: "small" };
  return {
    columns: shown.map(({ from: _from, actions, ...c }) => (actions ? { ...c, fixed: "right" as const } : c)),
    scroll: { x: shown.reduce((sum, c) => sum + c.width, 0) },
    size: screens.lg === false ? "small" : "middle",
  };
}

/** fitColumns for the current screen. */
export function useFittedColumns<T>(columns: FitColumn<T>[]) {
  return fitColumns(Grid.useBreakpoint(), columns);
}

/** A table's server-side pagination: page and size from `q`, the total, sizes to choose, and where a change goes. */
export function tablePagination(
  t: T,
  q: { page: number; pageSize: number },
  total: number | undefined,
  onChange: (page: number, pageSize: number) => void,
): TablePaginationConfig {
  return { current: q.page, pageSize: q.pageSize, total: total ?? 0, showSizeChanger: true, showTotal: (n) => t("common.total", { total: n }), onChange };
}
