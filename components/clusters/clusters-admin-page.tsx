"use client";
import { useState } from "react";
import { App, Button, Card, Empty, Grid, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { TCluster } from "@/lib/contracts/clusters";
import { useClusters, useDeleteCluster, useSaveCluster, useTestCluster } from "@/lib/hooks/clusters";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatTime } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { errorText } from "../common/error-text";
import { FormDialog } from "../common/form-dialog";
import { fitColumns, LoadError, tablePagination } from "../common/listing";
import { ClusterDetail } from "./cluster-detail";
import { CLUSTER_FIELD_NAMES, ClusterFormFields, type ClusterFormValues, clusterBody, clusterInitialValues } from "./cluster-form";
import { clusterColumns } from "./cluster-status";
import { useT } from "../providers/i18n";

// Admin: Slurm clusters with their health (status, reason, release and API version, last
// check); add, edit, test (each check), map user names, delete after confirming. A new
// cluster is tested at once and its details opened.

export function ClustersAdminPage() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const confirm = useDangerConfirm();
  const [q, setQ] = useState({ page: 1, pageSize: 20 });
  const clusters = useClusters(q);
  const save = useSaveCluster();
  const remove = useDeleteCluster();
  const test = useTestCluster();
  const [editing, setEditing] = useState<TCluster | "new" | null>(null);
  // The open cluster lives in the URL (?cluster=<id>): a reload or a shared link opens it again.
  const [url, setUrl] = useUrlState({ cluster: "" });
  const detailId = url.cluster || null;
  const setDetailId = (id: string | null) => setUrl((prev) => ({ ...prev, cluster: id ?? "" }));

  if (clusters.isError && !clusters.data) return <LoadError onRetry={() => void clusters.refetch()} />;
  const current = editing && editing !== "new" ? editing : null;

  function runTest(id: string) {
    test.mutate(id, {
      onSuccess: (r) => void (r.ok ? message.success(t("clusters.testPassed")) : message.warning(t("clusters.testFailed"))),
      onError: (err) => void message.error(errorText(t, err)),
    });
  }

  const add = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
      {t("clusters.new")}
    </Button>
  );
  return (
    <Card title={t("clusters.adminTitle")} extra={add}>
      <Typography.Paragraph type="secondary">{t("clusters.intro")}</Typography.Paragraph>
      <Table<TCluster>
        rowKey="id"
        loading={clusters.isLoading}
        dataSource={clusters.data?.items ?? []}
        locale={{ emptyText: <Empty description={t("clusters.emptyAdmin")}>{add}</Empty> }}
        pagination={tablePagination(t, q, clusters.data?.total, (page, pageSize) => setQ({ page, pageSize }))}
        {...fitColumns<TCluster>(screens, [
          ...clusterColumns(t),
          {
            title: t("clusters.url"),
            width: 220,
            from: "xl",
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text code style={{ wordBreak: "break-all" }}>
                  {c.connection?.url ?? "—"}
                </Typography.Text>
                <Space size={4}>
                  {c.connection && <Tag>{t(`clusters.authModes.${c.connection.authMode}`)}</Tag>}
                  {c.hasLoginNode && <Tag>{t("clusters.loginNode")}</Tag>}
                </Space>
              </Space>
            ),
          },
          { title: t("clusters.lastChecked"), dataIndex: "lastCheckedAt", width: 150, from: "lg", render: (v: string | null) => formatTime(v) },
          {
            title: t("common.actions"),
            actions: true,
            width: 220,
            render: (_, c) => (
              <Space>
                <Button size="small" onClick={() => setDetailId(c.id)}>
                  {t("common.details")}
                </Button>
                <Button size="small" onClick={() => setEditing(c)}>
                  {t("common.edit")}
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() => confirm({ title: c.name, content: t("clusters.deleteConfirm", { name: c.name }), onOk: () => remove.mutateAsync(c.id) })}
                >
                  {t("common.delete")}
                </Button>
              </Space>
            ),
          },
        ])}
      />
      <FormDialog<ClusterFormValues>
        variant="drawer"
        width={640}
        title={current ? t("clusters.edit") : t("clusters.new")}
        okText={current ? t("common.save") : t("common.create")}
        open={editing !== null}
        onClose={() => setEditing(null)}
        pending={save.isPending}
        initialValues={clusterInitialValues(current)}
        fieldNames={CLUSTER_FIELD_NAMES}
        onSubmit={async (v) => {
          const saved = await save.mutateAsync({ id: current?.id, body: clusterBody(v, current) });
          void message.success(t("common.saved"));
          // A new cluster: its details with the connection test's checks.
          if (!current) {
            setDetailId(saved.id);
            runTest(saved.id);
          }
        }}
      >
        <ClusterFormFields cluster={current} />
      </FormDialog>
      <ClusterDetail
        clusterId={detailId}
        onClose={() => setDetailId(null)}
        test={test.variables === detailId && test.data ? test.data : null}
        testing={test.isPending && test.variables === detailId}
        onTest={runTest}
      />
    </Card>
  );
}
