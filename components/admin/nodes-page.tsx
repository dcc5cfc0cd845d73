"use client";
import { useState } from "react";
import { Alert, App, Button, Card, Grid, Select, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { TNode } from "@/lib/contracts/nodes";
import { useDeleteNode, useLocalNodeOffer, useNodes, useSaveNode, useTestNode, type NodeFilters } from "@/lib/hooks/nodes";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatTime } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { errorText } from "../common/error-text";
import { FormDialog } from "../common/form-dialog";
import { fitColumns, ListedFilter, LoadError, SearchBox, tablePagination, Toolbar } from "../common/listing";
import { NodeDetail } from "./node-detail";
import { NodeFormFields, nodeBody, nodeInitialValues, type NodeFormValues } from "./node-form";
import { hasNoCapacity, NodeStatusTag } from "./node-status";
import { useT } from "../providers/i18n";

// Admin: compute nodes with status and free capacity; add (or take the offered local Docker
// engine), edit, test, inspect and delete.

export function NodesPage() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const confirm = useDangerConfirm();
  const [filters, setFilters] = useState<NodeFilters>({ page: 1, pageSize: 20 });
  const nodes = useNodes(filters);
  const offer = useLocalNodeOffer();
  const save = useSaveNode();
  const remove = useDeleteNode();
  const test = useTestNode();
  const [editing, setEditing] = useState<TNode | "new" | null>(null);
  // The open node lives in the URL: notifications and shared links open it (?node=<id>).
  const [url, setUrl] = useUrlState({ node: "" });
  const detailId = url.node || null;
  const setDetailId = (id: string | null) => setUrl((prev) => ({ ...prev, node: id ?? "" }));

  if (nodes.isError && !nodes.data) return <LoadError onRetry={() => void nodes.refetch()} />;
  const current = editing && editing !== "new" ? editing : null;

  async function addLocal() {
    const d = offer.data?.detected;
    try {
      const created = await save.mutateAsync({
        body: { name: "local", dockerAddress: offer.data!.dockerAddress, cpuCores: d?.cpuCores ?? 0, memoryGb: d?.memoryGb ?? 0 },
      });
      void message.success(t("nodes.localAdded"));
      await test.mutateAsync(created.id).catch(() => undefined);
      void offer.refetch();
      setDetailId(created.id);
    } catch (err) {
      void message.error(errorText(t, err));
    }
  }

  return (
    <Card
      title={t("nodes.title")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
          {t("nodes.new")}
        </Button>
      }
    >
      {offer.data?.available && !offer.data.alreadyAdded && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          title={t("nodes.localOffer", { version: offer.data.detected?.dockerVersion ?? "?" })}
          action={
            <Button type="primary" size="small" loading={save.isPending || test.isPending} onClick={() => void addLocal()}>
              {t("nodes.localOfferAction")}
            </Button>
          }
        />
      )}
      <Toolbar>
        <SearchBox placeholder={t("nodes.searchName")} onSearch={(name) => setFilters((f) => ({ ...f, page: 1, name }))} />
        <Select<"" | "online" | "offline" | "unknown">
          aria-label={t("nodes.status")}
          style={{ width: 150 }}
          value={filters.status ?? ""}
          onChange={(status) => setFilters((f) => ({ ...f, page: 1, status: status || undefined }))}
          options={[
            { value: "", label: `${t("nodes.status")}: ${t("common.all")}` },
            { value: "online", label: t("nodes.online") },
            { value: "offline", label: t("nodes.offline") },
            { value: "unknown", label: t("nodes.unknown") },
          ]}
        />
        <ListedFilter
          value={filters.isListed}
          onChange={(isListed) => setFilters((f) => ({ ...f, page: 1, isListed }))}
          labels={{ listed: t("images.listed"), unlisted: t("images.unlisted") }}
        />
      </Toolbar>
      <Table<TNode>
        rowKey="id"
        loading={nodes.isFetching && !nodes.data}
        dataSource={nodes.data?.items ?? []}
        pagination={tablePagination(t, filters, nodes.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
        {...fitColumns<TNode>(screens, [
          {
            title: t("nodes.name"),
            dataIndex: "name",
            width: 170,
            render: (name: string, n) => (
              <Space orientation="vertical" size={0}>
                <Typography.Link strong onClick={() => setDetailId(n.id)}>
                  {name}
                </Typography.Link>
                {n.region && <Typography.Text type="secondary">{n.region}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t("nodes.status"),
            dataIndex: "status",
            width: 120,
            render: (s: string, n) => <NodeStatusTag status={s} message={n.statusMessage} noCapacity={hasNoCapacity(n)} />,
          },
          {
            title: t("nodes.gpu"),
            width: 170,
            from: "lg",
            render: (_, n) => (n.gpuCount > 0 ? `${n.gpuCount} × ${n.gpuName ?? "GPU"} (${n.gpuMemoryGb} GB)` : "—"),
          },
          {
            title: t("nodes.capacity"),
            width: 130,
            from: "md",
            render: (_, n) => <Typography.Text type={hasNoCapacity(n) ? "warning" : undefined}>{`${n.cpuCores} vCPU · ${n.memoryGb} GB`}</Typography.Text>,
          },
          {
            title: t("nodes.free"),
            width: 130,
            render: (_, n) => (
              <Space orientation="vertical" size={0}>
                {n.gpuCount > 0 && <span>{`GPU ${n.free.wholeGpus}/${n.gpuCount}`}</span>}
                <Typography.Text type="secondary">{`${n.free.cpuCores} vCPU · ${n.free.memoryGb} GB`}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t("nodes.dockerAddress"),
            dataIndex: "dockerAddress",
            width: 180,
            from: "xl",
            render: (a: string, n) => (
              <Space>
                <Typography.Text code>{a}</Typography.Text>
                {n.useTls && <Tag>TLS</Tag>}
              </Space>
            ),
          },
          { title: t("nodes.lastSeen"), dataIndex: "lastSeenAt", width: 150, from: "xxl", render: formatTime },
          {
            title: t("common.actions"),
            actions: true,
            width: 220,
            render: (_, n) => (
              <Space>
                <Button size="small" onClick={() => setDetailId(n.id)}>
                  {t("common.details")}
                </Button>
                <Button size="small" onClick={() => setEditing(n)}>
                  {t("common.edit")}
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() => confirm({ title: n.name, content: t("nodes.deleteConfirm", { name: n.name }), onOk: () => remove.mutateAsync(n.id) })}
                >
                  {t("common.delete")}
                </Button>
              </Space>
            ),
          },
        ])}
      />
      <FormDialog<NodeFormValues>
        variant="drawer"
        width={640}
        title={current ? t("nodes.edit") : t("nodes.new")}
        okText={current ? t("common.save") : t("common.create")}
        open={editing !== null}
        onClose={() => setEditing(null)}
        pending={save.isPending}
        initialValues={nodeInitialValues(current)}
        onSubmit={async (v) => {
          const saved = await save.mutateAsync({ id: current?.id, body: nodeBody(v) });
          void message.success(t("common.saved"));
          if (!current) setDetailId(saved.id);
          // A new node is tested at once (its status, and capacity left at 0 filled from Docker);
          // so is a changed HAMi-core path: GPU memory split uses only a library that passed.
          if (!current || saved.hamiCorePath !== current.hamiCorePath) void test.mutateAsync(saved.id).catch(() => undefined);
        }}
      >
        <NodeFormFields node={current} />
      </FormDialog>
      <NodeDetail nodeId={detailId} onClose={() => setDetailId(null)} />
    </Card>
  );
}
