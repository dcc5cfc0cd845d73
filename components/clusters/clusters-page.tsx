"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { Button, Card, Empty, Grid, Table, Typography } from "antd";
import { SettingOutlined } from "@ant-design/icons";
import type { TCluster } from "@/lib/contracts/clusters";
import { useClusters } from "@/lib/hooks/clusters";
import { formatTime } from "@/lib/format";
import { fitColumns, LoadError, tablePagination } from "../common/listing";
import { clusterColumns } from "./cluster-status";
import { useT } from "../providers/i18n";

// Everyone: the Slurm clusters jobs can run on, with their health; each opens its page
// (nodes, partitions and prices, the user's runs there). Administrators manage them elsewhere.

export function ClustersPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [q, setQ] = useState({ page: 1, pageSize: 20 });
  const clusters = useClusters(q);
  if (clusters.isError && !clusters.data) return <LoadError onRetry={() => void clusters.refetch()} />;
  return (
    <Card
      title={t("clusters.title")}
      extra={
        isAdmin && (
          <Link href="/admin/clusters">
            <Button icon={<SettingOutlined />}>{t("clusters.manage")}</Button>
          </Link>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t("clusters.intro")}</Typography.Paragraph>
      <Table<TCluster>
        rowKey="id"
        loading={clusters.isLoading}
        dataSource={clusters.data?.items ?? []}
        locale={{ emptyText: <Empty description={isAdmin ? t("clusters.emptyAdmin") : t("clusters.emptyUser")} /> }}
        pagination={tablePagination(t, q, clusters.data?.total, (page, pageSize) => setQ({ page, pageSize }))}
        {...fitColumns<TCluster>(screens, [
          ...clusterColumns(t),
          { title: t("clusters.lastChecked"), dataIndex: "lastCheckedAt", width: 160, from: "md", render: (v: string | null) => formatTime(v) },
        ])}
      />
    </Card>
  );
}
