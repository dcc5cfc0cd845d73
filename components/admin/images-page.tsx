"use client";
import { useState } from "react";
import { Alert, App, Button, Card, Drawer, Form, Grid, Input, List, Progress, Space, Switch, Table, Tag, Typography } from "antd";
import { CloudDownloadOutlined, PlusOutlined } from "@ant-design/icons";
import type { TImage, TImagePresence } from "@/lib/contracts/images";
import { useDeleteImage, useImagePresence, useImages, useSaveImage, pullImage, type ImageFilters } from "@/lib/hooks/catalog";
import { formatBytes, formatTime } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { FormDialog } from "../common/form-dialog";
import { fitColumns, ListedFilter, LoadError, SearchBox, tablePagination, Toolbar } from "../common/listing";
import { appsBody, ImageAppsFields, ImageAppTags, type ImageAppRow } from "./image-apps";
import { NodeStatusTag } from "./node-status";
import { useT } from "../providers/i18n";

// Admin: images with server pagination and filters, a form drawer (with the web apps the
// image serves and whether it is a notebook image), per-node presence with pulls that show
// Docker's progress as it streams.

type ImageForm = {
  name: string;
  address: string;
  description?: string;
  source?: string;
  supportMemorySplit: boolean;
  notebook: boolean;
  apps?: ImageAppRow[];
  isListed: boolean;
  remark?: string;
};

type PullState = { percent: number; status: string; done?: boolean; error?: string };

function PresenceDrawer({ image, onClose }: { image: TImage | null; onClose: () => void }) {
  const t = useT();
  const presence = useImagePresence(image?.id ?? null);
  // Keyed by image and node: a pull still streaming for one image must never show in another's panel.
  const [pulls, setPulls] = useState<Record<string, PullState>>({});
  const keyOf = (imageId: string, nodeId: string) => `${imageId}/${nodeId}`;

  async function pull(node: TImagePresence) {
    if (!image) return;
    const key = keyOf(image.id, node.nodeId);
    const layers = new Map<string, { current: number; total: number }>();
    setPulls((p) => ({ ...p, [key]: { percent: 0, status: t("images.pulling") } }));
    const last = await pullImage(image.id, node.nodeId, (e) => {
      if (e.type === "progress") {
        if (e.layer && e.total) layers.set(e.layer, { current: e.current ?? 0, total: e.total });
        const total = [...layers.values()].reduce((n, l) => n + l.total, 0);
        const current = [...layers.values()].reduce((n, l) => n + l.current, 0);
        setPulls((p) => ({
          ...p,
          [key]: {
            percent: total ? Math.min(99, Math.round((current / total) * 100)) : (p[key]?.percent ?? 0),
            status: `${e.layer ? `${e.layer}: ` : ""}${e.status}`,
          },
        }));
      }
    });
    setPulls((p) => ({
      ...p,
      [key]:
        last?.type === "done"
          ? { percent: 100, status: last.status, done: true }
          : { percent: p[key]?.percent ?? 0, status: "", error: last?.type === "error" ? last.message : t("images.pullFailed") },
    }));
    void presence.refetch();
  }

  return (
    <Drawer title={image ? `${t("images.presence")}: ${image.name}` : ""} open={!!image} onClose={onClose} width={560} destroyOnHidden>
      {image && (
        <Typography.Paragraph>
          <Typography.Text code>{image.address}</Typography.Text>
        </Typography.Paragraph>
      )}
      {presence.isError && <LoadError onRetry={() => void presence.refetch()} />}
      <List<TImagePresence>
        loading={presence.isLoading}
        dataSource={presence.data?.items ?? []}
        locale={{ emptyText: t("images.noNodes") }}
        renderItem={(n) => {
          const state = image ? pulls[keyOf(image.id, n.nodeId)] : undefined;
          return (
            <List.Item
              data-testid={`presence-${n.nodeName}`}
              actions={[
                <Button key="pull" size="small" icon={<CloudDownloadOutlined />} loading={!!state && !state.done && !state.error} onClick={() => void pull(n)}>
                  {t("images.pull")}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Space>
                    {n.nodeName}
                    <NodeStatusTag status={n.nodeStatus} />
                  </Space>
                }
                description={
                  <Space orientation="vertical" style={{ width: "100%" }}>
                    {n.present === true && <Tag color="green">{`${t("images.present")} · ${formatBytes(n.sizeBytes)}`}</Tag>}
                    {n.present === false && <Tag>{t("images.absent")}</Tag>}
                    {n.present === null && <Typography.Text type="warning">{`${t("images.unknown")}: ${n.error ?? ""}`}</Typography.Text>}
                    {/* Launches avoid such a node until a pull there succeeds (the reason names the pull's error). */}
                    {!n.ready && n.present === false && !state && (
                      <Alert type="warning" showIcon data-testid="cannot-run" title={t("images.cannotRun")} description={n.reason} />
                    )}
                    {state && !state.error && <Progress percent={state.percent} size="small" status={state.done ? "success" : "active"} />}
                    {state && !state.error && (
                      <Typography.Text type="secondary" ellipsis style={{ maxWidth: 380 }}>
                        {state.status}
                      </Typography.Text>
                    )}
                    {state?.error && <Alert type="error" showIcon title={t("images.pullFailed")} description={state.error} />}
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
    </Drawer>
  );
}

export function ImagesPage() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message, notification } = App.useApp();
  const confirm = useDangerConfirm();
  const [filters, setFilters] = useState<ImageFilters>({ page: 1, pageSize: 20 });
  const images = useImages(filters);
  const save = useSaveImage();
  const remove = useDeleteImage();
  const [editing, setEditing] = useState<TImage | "new" | null>(null);
  const [presenceOf, setPresenceOf] = useState<TImage | null>(null);

  if (images.isError && !images.data) return <LoadError onRetry={() => void images.refetch()} />;
  const current = editing && editing !== "new" ? editing : null;

  return (
    <Card
      title={t("images.title")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
          {t("images.new")}
        </Button>
      }
    >
      <Toolbar>
        <SearchBox placeholder={t("images.searchName")} onSearch={(name) => setFilters((f) => ({ ...f, page: 1, name }))} />
        <ListedFilter
          value={filters.isListed}
          onChange={(isListed) => setFilters((f) => ({ ...f, page: 1, isListed }))}
          labels={{ listed: t("images.listed"), unlisted: t("images.unlisted") }}
        />
      </Toolbar>
      <Table<TImage>
        rowKey="id"
        loading={images.isFetching}
        dataSource={images.data?.items ?? []}
        pagination={tablePagination(t, filters, images.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
        {...fitColumns<TImage>(screens, [
          {
            title: t("images.name"),
            dataIndex: "name",
            width: 200,
            render: (name: string, i) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{name}</Typography.Text>
                {i.description && (
                  <Typography.Text type="secondary" ellipsis style={{ maxWidth: 180 }}>
                    {i.description}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t("images.address"),
            dataIndex: "address",
            width: 250,
            from: "md",
            // Long references are cut with an ellipsis (full text in the tooltip) instead of running into the next column.
            render: (a: string) => (
              <Typography.Text code copyable ellipsis={{ tooltip: a }} style={{ maxWidth: 230 }}>
                {a}
              </Typography.Text>
            ),
          },
          { title: t("images.apps"), key: "apps", width: 200, render: (_, i) => <ImageAppTags image={i} /> },
          { title: t("images.source"), dataIndex: "source", width: 140, from: "xxl", render: (s: string | null) => s ?? "—" },
          {
            title: t("images.supportMemorySplit"),
            dataIndex: "supportMemorySplit",
            width: 120,
            from: "xl",
            render: (v: boolean) => (v ? <Tag color="purple">HAMi</Tag> : "—"),
          },
          {
            title: t("images.isListed"),
            dataIndex: "isListed",
            width: 90,
            from: "sm",
            render: (v: boolean) => <Tag color={v ? "green" : "default"}>{v ? t("images.listed") : t("images.unlisted")}</Tag>,
          },
          { title: t("common.createdAt"), dataIndex: "createdAt", width: 150, from: "xxl", render: formatTime },
          {
            title: t("common.actions"),
            actions: true,
            width: 230,
            render: (_, i) => (
              <Space>
                <Button size="small" onClick={() => setPresenceOf(i)}>
                  {t("images.presence")}
                </Button>
                <Button size="small" onClick={() => setEditing(i)}>
                  {t("common.edit")}
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() => confirm({ title: i.name, content: t("images.deleteConfirm", { name: i.name }), onOk: () => remove.mutateAsync(i.id) })}
                >
                  {t("common.delete")}
                </Button>
              </Space>
            ),
          },
        ])}
      />
      <FormDialog<ImageForm>
        variant="drawer"
        title={current ? t("images.edit") : t("images.new")}
        okText={current ? t("common.save") : t("common.create")}
        open={editing !== null}
        onClose={() => setEditing(null)}
        pending={save.isPending}
        initialValues={
          current
            ? { ...current, description: current.description ?? undefined, source: current.source ?? undefined, remark: current.remark ?? undefined }
            : { supportMemorySplit: false, notebook: false, apps: [], isListed: true }
        }
        onSubmit={async (v) => {
          const body = { ...v, apps: appsBody(v.apps), description: v.description || null, source: v.source || null, remark: v.remark || null };
          const saved = await save.mutateAsync({ id: current?.id, body });
          if (saved.warnings.length) {
            notification.warning({
              title: t("images.savedWithWarnings"),
              description: saved.warnings.map((w) => <div key={w}>{w}</div>),
              duration: 0,
            });
          } else {
            void message.success(t("common.saved"));
          }
        }}
      >
        <Form.Item name="name" label={t("images.name")} rules={[{ required: true, message: t("auth.required") }, { max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="address" label={t("images.address")} extra={t("images.addressHelp")} rules={[{ required: true, message: t("auth.required") }]}>
          <Input placeholder="nvidia/cuda:12.4.1-runtime-ubuntu22.04" />
        </Form.Item>
        <Form.Item name="description" label={t("images.description")}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="source" label={t("images.source")}>
          <Input placeholder="Docker Hub" maxLength={100} />
        </Form.Item>
        <Space size="large">
          <Form.Item name="supportMemorySplit" label={t("images.supportMemorySplit")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="isListed" label={t("images.isListed")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <ImageAppsFields />
        <Form.Item name="remark" label={t("images.remark")}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </FormDialog>
      <PresenceDrawer image={presenceOf} onClose={() => setPresenceOf(null)} />
    </Card>
  );
}
