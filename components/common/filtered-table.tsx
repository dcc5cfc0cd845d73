"use client";
import { Alert, Button, Empty, Skeleton, Table, type TableProps } from "antd";
import type { UseQueryResult } from "@tanstack/react-query";
import type { TPage } from "@/lib/contracts/common";
import { usePrefs, useT } from "../providers/i18n";
import { errorText } from "./error-text";
import { tablePagination } from "./listing";

/**
 * A filtered, server-paged list's body: while its query fails, an error (filters the server
 * refused are said under their fields, so then only "check the fields"; other errors with a
 * retry); otherwise the table, with a skeleton on first load and "nothing matches" apart from
 * "nothing yet".
 */
export function FilteredTable<R extends object>({
  query,
  refusedFilters,
  filtersPlaced,
  isFiltered,
  empty,
  noMatch,
  testId,
  page,
  onPage,
  ...table
}: {
  query: UseQueryResult<TPage<R>>;
  /** The query's issues by filter (queryIssues), null when it was not refused. */
  refusedFilters: Partial<Record<string, string>> | null;
  /** Every refused filter is shown under its field. */
  filtersPlaced: boolean;
  isFiltered: boolean;
  empty: string;
  noMatch: string;
  testId: string;
  page: { page: number; pageSize: number };
  onPage: (page: number, pageSize: number) => void;
} & Omit<TableProps<R>, "dataSource" | "loading" | "pagination">) {
  const t = useT();
  const { locale } = usePrefs();
  if (query.isError)
    return (
      <Alert
        type="error"
        showIcon
        data-testid={`${testId}-error`}
        style={{ marginBottom: 16 }}
        title={refusedFilters && filtersPlaced ? t("validation.checkFields") : errorText(t, query.error, locale)}
        action={
          !refusedFilters && (
            <Button size="small" onClick={() => void query.refetch()}>
              {t("common.retry")}
            </Button>
          )
        }
      />
    );
  return (
    <Table<R>
      data-testid={`${testId}-table`}
      loading={query.isFetching && !!query.data}
      dataSource={query.data?.items ?? []}
      locale={{
        emptyText: !query.data ? (
          <Skeleton active paragraph={{ rows: 4 }} />
        ) : isFiltered ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={noMatch} />
        ) : (
          <Empty description={empty} />
        ),
      }}
      pagination={tablePagination(t, page, query.data?.total, onPage)}
      {...table}
    />
  );
}
