"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { Button, Card, Empty, Grid, Select, Space, Table, Tag, Typography } from "antd";
import { ExportOutlined, RocketOutlined } from "@ant-design/icons";
import { INSTANCE_STATUSES, type TInstance, type TInstanceStatus } from "@/lib/contracts/instances";
import { useInstances, type InstanceFilters } from "@/lib/hooks/instances";
import { useAdminUsers } from "@/lib/hooks/users";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatMoney, formatTime } from "@/lib/format";
import { fitColumns, LoadError, SearchBox, tablePagination, Toolbar } from "../common/listing";
import { runningTime } from "../billing/ledger-text";
import { InstanceActions } from "./instance-actions";
import { useAppsClosed } from "./instance-apps";
import { InstanceStatusWithReason } from "./instance-status";
import { usePrefs, useT } from "../providers/i18n";

// The instances list: the user's own (admins: everyone's, with an Owner column and filter),
// server pagination, name and status filters, why each stopped or failed, what each has cost
// so far, links to a running one's web apps, controls per row. Polls fast while any shown
// instance is being created.

const LAUNCH_HREF = "/instances/new";

/** Admins: pick an owner by searching users. */
function OwnerSelect({ value, onChange }: { value?: string; onChange: (userId: string | undefined) => void }) {
  const t = useT();
  const [search, setSearch] = useState<string>();
  const users = useAdminUsers({ page: 1, pageSize: 20, search });
  return (
    <Select<string>
      aria-label={t("instances.owner")}
      style={{ width: 200 }}
      allowClear
      showSearch={{ filterOption: false, onSearch: (v) => setSearch(v.trim() || undefined) }}
      placeholder={`${t("instances.owner")}: ${t("common.all")}`}
      loading={users.isFetching}
      value={value}
      onChange={(v) => onChange(v || undefined)}
      options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.username }))}
    />
  );
}

export function specSummary(i: Pick<TInstance, "gpuCount" | "gpuModel" | "gpuMemoryGb" | "cpuCores" | "memoryGb">, t: ReturnType<typeof useT>): string {
  const gpu = i.gpuCount > 0 ? `${t("catalog.gpus", { count: i.gpuCount, model: i.gpuModel ?? "GPU" })} (${i.gpuMemoryGb} GB)` : t("catalog.cpuOnly");
  return `${gpu} · ${t("catalog.cores", { count: i.cpuCores })} · ${t("catalog.memory", { gb: i.memoryGb })}`;
}

export function InstancesPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const appsClosed = useAppsClosed();
  const screens = Grid.useBreakpoint();
  const { locale } = usePrefs();
  // Filters and page live in the URL: a reload or a shared link shows the same list.
  const [query, setQuery] = useUrlState({
    page: 1,
    pageSize: 20,
    name: undefined as string | undefined,
    status: undefined as string | undefined,
    userId: undefined as string | undefined,
  });
  const filters: InstanceFilters = { ...query, status: INSTANCE_STATUSES.find((s) => s === query.status) };
  const setFilters = (update: (f: InstanceFilters) => InstanceFilters) =>
    setQuery((q) => {
      const next = update({ ...q, status: INSTANCE_STATUSES.find((s) => s === q.status) });
      return { page: next.page, pageSize: next.pageSize, name: next.name, status: next.status, userId: next.userId };
    });
  const instances = useInstances(filters);

  if (instances.isError && !instances.data) return <LoadError onRetry={() => void instances.refetch()} />;
  const filtered = !!(filters.name || filters.status || filters.userId);
  const launch = (
    <Link href={LAUNCH_HREF}>
      <Button type="primary" icon={<RocketOutlined />}>
        {t("instances.launch")}
      </Button>
    </Link>
  );

  return (
    <Card title={t("instances.title")} extra={launch}>
      <Toolbar>
        <SearchBox placeholder={t("instances.searchName")} defaultValue={filters.name} onSearch={(name) => setFilters((f) => ({ ...f, page: 1, name }))} />
        <Select<"" | TInstanceStatus>
          aria-label={t("common.status")}
          style={{ width: 170 }}
          value={filters.status ?? ""}
          onChange={(status) => setFilters((f) => ({ ...f, page: 1, status: status || undefined }))}
          options={[
            { value: "", label: `${t("common.status")}: ${t("common.all")}` },
            ...INSTANCE_STATUSES.filter((s) => s !== "deleted").map((s) => ({ value: s, label: t(`instances.status.${s}`) })),
          ]}
        />
        {isAdmin && <OwnerSelect value={filters.userId} onChange={(userId) => setFilters((f) => ({ ...f, page: 1, userId }))} />}
      </Toolbar>
      <Table<TInstance>
        rowKey="id"
        loading={instances.isLoading}
        dataSource={instances.data?.items ?? []}
        locale={{
          emptyText: filtered ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("instances.noMatch")} />
          ) : (
            <Empty description={t("instances.empty")}>{launch}</Empty>
          ),
        }}
        pagination={tablePagination(t, filters, instances.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
        {...fitColumns<TInstance>(screens, [
          {
            title: t("instances.name"),
            dataIndex: "name",
            width: 170,
            render: (name: string, i) => (
              <Space orientation="vertical" size={0}>
                <Link href={`/instances/${i.id}`}>
                  <Typography.Text strong style={{ color: "inherit" }}>
                    {name}
                  </Typography.Text>
                </Link>
                {i.remark && (
                  <Typography.Text type="secondary" ellipsis={{ tooltip: i.remark }} style={{ maxWidth: 150 }}>
                    {i.remark}
                  </Typography.Text>
                )}
                {i.apps.length > 0 && !appsClosed(i) && (
                  <Space size={[8, 0]} wrap data-testid="instance-app-links">
                    {i.apps.map((a) => {
                      const name = a.kind === "jupyter" ? t("apps.jupyter") : a.name;
                      return (
                        <Typography.Link
                          key={a.port}
                          href={a.url}
                          target="_blank"
                          rel="noopener"
                          aria-label={t("apps.open", { name })}
                          style={{ fontSize: 12, whiteSpace: "nowrap" }}
                        >
                          <ExportOutlined /> {name}
                        </Typography.Link>
                      );
                    })}
                  </Space>
                )}
              </Space>
            ),
          },
          {
            title: t("common.status"),
            dataIndex: "status",
            // The reason (a second line) is cut to fit; its whole text is in a tooltip.
            width: 130,
            render: (_: TInstanceStatus, i) => <InstanceStatusWithReason instance={i} />,
          },
          ...(isAdmin ? [{ title: t("instances.owner"), dataIndex: "username", width: 100, from: "md" as const }] : []),
          {
            title: t("instances.spec"),
            width: 210,
            from: "md",
            render: (_, i) => (
              <Space orientation="vertical" size={0}>
                <span>
                  {i.specName} {i.withoutGpu && i.gpuCount > 0 && <Tag color="orange">{t("instances.withoutGpu")}</Tag>}
                </span>
                <Typography.Text type="secondary">{specSummary(i, t)}</Typography.Text>
                <Typography.Text type="secondary">
                  {t("instances.image")}: {i.imageName}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t("instances.node"), dataIndex: "nodeName", width: 100, from: "lg", render: (n: string | null) => n ?? "—" },
          {
            title: t("instances.price"),
            dataIndex: "pricePerHourCents",
            width: 130,
            render: (c: number, i) => (
              <Space orientation="vertical" size={0}>
                <span style={{ whiteSpace: "nowrap" }}>{t("catalog.perHour", { price: formatMoney(c, locale) })}</span>
                {i.costCents !== undefined && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="instance-cost-line">
                    {t("billing.costLine", { cost: formatMoney(i.costCents, locale), time: runningTime(t, i.runningSeconds ?? 0, locale) })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t("common.createdAt"), dataIndex: "createdAt", width: 150, from: "xxl", render: formatTime },
          {
            title: t("common.actions"),
            actions: true,
            width: 280,
            render: (_, i) => <InstanceActions instance={i} size="small" />,
          },
        ])}
      />
    </Card>
  );
}
