"use client";
import { useState } from "react";
import { Alert, App, Button, Card, Dropdown, Empty, Grid, Segmented, Skeleton, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import {
  CheckCircleOutlined,
  ClockCircleOutlined,
  CloseCircleOutlined,
  DeleteOutlined,
  EditOutlined,
  EllipsisOutlined,
  KeyOutlined,
  PlusOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from "@ant-design/icons";
import type { TWebhookEndpoint } from "@/lib/contracts/webhooks";
import { formatTime } from "@/lib/format";
import { useUrlState } from "@/lib/hooks/url-state";
import {
  useCreateWebhook,
  useDeleteWebhook,
  useRotateWebhookSecret,
  useTestWebhook,
  useUpdateWebhook,
  useWebhooks,
  type WebhookFilters,
} from "@/lib/hooks/webhooks";
import { useDangerConfirm } from "../common/confirm";
import { errorText } from "../common/error-text";
import { LoadError, tablePagination, useFittedColumns } from "../common/listing";
import { type T, useT } from "../providers/i18n";
import { DeliveryLog } from "./delivery-log";
import { SecretModal, type ShownSecret } from "./secret-modal";
import { eventLabel, WebhookForm, type WebhookFormValues } from "./webhook-form";

// Webhooks: the endpoints that receive the console's events (a user's own; administrators
// also the platform's, which take every event, nodes' included). Each row: where it points,
// what it takes, whether it is on (and why the console turned it off), how the last day's
// deliveries went; a test event, the delivery log, editing, a new secret (shown once) and
// deleting. Which list (mine / platform) and the page live in the URL.

const DEFAULTS = { scope: "mine", page: 1, pageSize: 20 };

/** Tags shown per row before "+n". */
const SHOWN_EVENTS = 4;

/** The console's own reasons for turning an endpoint off, in the reader's words. */
function reasonText(t: T, reason: string): string {
  return reason === "the receiver answered 410 Gone" ? t("webhooks.reasons.gone") : reason;
}

function EventTags({ types }: { types: string[] }) {
  const t = useT();
  const rest = types.slice(SHOWN_EVENTS);
  return (
    <Space size={[4, 4]} wrap>
      {types.slice(0, SHOWN_EVENTS).map((e) => (
        <Tooltip key={e} title={eventLabel(t, e)}>
          <Tag style={{ marginInlineEnd: 0 }}>{e}</Tag>
        </Tooltip>
      ))}
      {rest.length > 0 && (
        <Tooltip title={rest.join(", ")}>
          <Tag style={{ marginInlineEnd: 0 }}>{t("webhooks.moreEvents", { count: rest.length })}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/** The last 24 hours' deliveries: succeeded, failed, pending. */
function RecentCounts({ recent }: { recent: TWebhookEndpoint["recent"] }) {
  const t = useT();
  const item = (icon: React.ReactNode, color: string, n: number, label: string) => (
    <Tooltip title={label}>
      <Tag icon={icon} color={n ? color : "default"} style={{ marginInlineEnd: 0 }} aria-label={label}>
        {n}
      </Tag>
    </Tooltip>
  );
  return (
    <Space size={4} data-testid="webhook-recent">
      {item(<CheckCircleOutlined />, "green", recent.succeeded, t("webhooks.recentSucceeded", { count: recent.succeeded }))}
      {item(<CloseCircleOutlined />, "red", recent.failed, t("webhooks.recentFailed", { count: recent.failed }))}
      {item(<ClockCircleOutlined />, "gold", recent.pending, t("webhooks.recentPending", { count: recent.pending }))}
    </Space>
  );
}

function EnabledCell({ endpoint: e }: { endpoint: TWebhookEndpoint }) {
  const t = useT();
  const { message } = App.useApp();
  const update = useUpdateWebhook();
  const toggle = (enabled: boolean) =>
    update
      .mutateAsync({ id: e.id, body: { enabled } })
      .then(() => void message.success(enabled ? t("webhooks.enabledNow") : t("webhooks.disabledNow")))
      .catch((err: unknown) => void message.error(errorText(t, err)));
  return (
    <Space orientation="vertical" size={2}>
      <Space size={8}>
        <Switch size="small" checked={e.enabled} loading={update.isPending} onChange={(v) => void toggle(v)} aria-label={t("webhooks.enabled")} />
        <Typography.Text type={e.enabled ? undefined : "secondary"}>{e.enabled ? t("webhooks.enabled") : t("webhooks.disabled")}</Typography.Text>
      </Space>
      {!e.enabled && e.disabledReason && (
        <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="webhook-disabled-reason">
          {t("webhooks.disabledBy", { reason: reasonText(t, e.disabledReason) })}
        </Typography.Text>
      )}
      {e.previousSecretUntil && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("webhooks.previousSecret", { time: formatTime(e.previousSecretUntil) })}
        </Typography.Text>
      )}
    </Space>
  );
}

function EmptyState({ platform, onAdd }: { platform: boolean; onAdd: () => void }) {
  const t = useT();
  return (
    <Empty
      description={
        <Space orientation="vertical" size={4} style={{ maxWidth: 560 }}>
          <Typography.Text strong>{platform ? t("webhooks.emptyPlatform") : t("webhooks.empty")}</Typography.Text>
          <Typography.Text type="secondary">{platform ? t("webhooks.platformHelp") : t("webhooks.emptyHelp")}</Typography.Text>
          <Typography.Text type="secondary">{t("webhooks.signingHelp")}</Typography.Text>
          <Space size="middle" wrap style={{ justifyContent: "center" }}>
            <a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
              {t("webhooks.standardLink")}
            </a>
            <a href="/api/docs" target="_blank" rel="noreferrer">
              {t("webhooks.apiDocsLink")}
            </a>
          </Space>
        </Space>
      }
    >
      <Button type="primary" icon={<PlusOutlined />} onClick={onAdd}>
        {platform ? t("webhooks.newPlatformEndpoint") : t("webhooks.newEndpoint")}
      </Button>
    </Empty>
  );
}

export function WebhooksPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const { modal, message } = App.useApp();
  const confirm = useDangerConfirm();
  const [url, setUrl] = useUrlState(DEFAULTS);
  const scope: WebhookFilters["scope"] = isAdmin && url.scope === "platform" ? "platform" : "mine";
  const filters: WebhookFilters = { scope, page: url.page, pageSize: Math.min(url.pageSize, 100) };
  const hooks = useWebhooks(filters);
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhookSecret();
  const test = useTestWebhook();
  // The form: closed, adding (null) or editing an endpoint.
  const [editing, setEditing] = useState<TWebhookEndpoint | null | undefined>(undefined);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const logEndpoint = hooks.data?.items.find((e) => e.id === logOf) ?? null;
  const platform = scope === "platform";

  async function save(v: WebhookFormValues) {
    const body = { url: v.url.trim(), description: v.description?.trim() ?? "", eventTypes: v.eventTypes };
    if (editing) {
      await update.mutateAsync({ id: editing.id, body });
      void message.success(t("common.saved"));
    } else {
      const made = await create.mutateAsync({ ...body, platform });
      setSecret({ secret: made.secret, rotated: false, url: made.url });
    }
  }

  const sendTest = (e: TWebhookEndpoint) =>
    test
      .mutateAsync(e.id)
      .then(() => void message.success(t("webhooks.testSent")))
      .catch((err: unknown) => void message.error(errorText(t, err)));

  const confirmRotate = (e: TWebhookEndpoint) =>
    modal.confirm({
      title: t("webhooks.rotateTitle"),
      content: t("webhooks.rotateConfirm"),
      okText: t("webhooks.rotate"),
      cancelText: t("common.cancel"),
      onOk: () =>
        rotate
          .mutateAsync(e.id)
          .then((r) => setSecret({ secret: r.secret, rotated: true, url: e.url }))
          .catch((err: unknown) => void message.error(errorText(t, err))),
    });

  const confirmDelete = (e: TWebhookEndpoint) =>
    confirm({
      title: t("webhooks.deleteTitle"),
      content: t("webhooks.deleteConfirm", { url: e.url }),
      onOk: () => remove.mutateAsync(e.id),
    });

  // The table is fixed-width with room to spare from tablets up; on phones (stacked cells, auto
  // layout) a long URL would widen the page, so it is cut at a width that fits.
  const textWidth = Grid.useBreakpoint().md === false ? 250 : "100%";
  const table = useFittedColumns<TWebhookEndpoint>([
    {
      title: t("webhooks.endpoint"),
      dataIndex: "url",
      width: 260,
      render: (u: string, e) => (
        <Space orientation="vertical" size={0} style={{ width: "100%" }}>
          <Typography.Text strong ellipsis={{ tooltip: u }} style={{ display: "block", maxWidth: textWidth }} data-testid="webhook-url-cell">
            {u}
          </Typography.Text>
          {e.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: e.description }} style={{ display: "block", maxWidth: textWidth }}>
              {e.description}
            </Typography.Text>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("webhooks.added", { time: formatTime(e.createdAt) })}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t("webhooks.eventTypes"), dataIndex: "eventTypes", width: 210, from: "md", render: (v: string[]) => <EventTags types={v} /> },
    { title: t("common.status"), width: 150, render: (_, e) => <EnabledCell endpoint={e} /> },
    { title: t("webhooks.recent"), dataIndex: "recent", width: 150, from: "lg", render: (r: TWebhookEndpoint["recent"]) => <RecentCounts recent={r} /> },
    {
      title: t("common.actions"),
      width: 190,
      actions: true,
      render: (_, e) => (
        <Space size={4}>
          <Button size="small" icon={<UnorderedListOutlined />} onClick={() => setLogOf(e.id)}>
            {t("webhooks.deliveries")}
          </Button>
          <Tooltip title={e.enabled ? t("webhooks.sendTest") : t("webhooks.disabledHint")}>
            <Button size="small" icon={<SendOutlined />} aria-label={t("webhooks.sendTest")} disabled={!e.enabled} onClick={() => void sendTest(e)} />
          </Tooltip>
          <Dropdown
            trigger={["click"]}
            menu={{
              items: [
                { key: "edit", icon: <EditOutlined />, label: t("common.edit"), onClick: () => setEditing(e) },
                { key: "rotate", icon: <KeyOutlined />, label: t("webhooks.rotate"), onClick: () => confirmRotate(e) },
                { type: "divider" },
                { key: "delete", icon: <DeleteOutlined />, danger: true, label: t("common.delete"), onClick: () => confirmDelete(e) },
              ],
            }}
          >
            <Button size="small" icon={<EllipsisOutlined />} aria-label={t("webhooks.more")} />
          </Dropdown>
        </Space>
      ),
    },
  ]);

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="webhook-add">
      {platform ? t("webhooks.newPlatformEndpoint") : t("webhooks.newEndpoint")}
    </Button>
  );

  return (
    <Card title={t("webhooks.title")} extra={addButton}>
      <Typography.Paragraph type="secondary">{t("webhooks.intro")}</Typography.Paragraph>
      {isAdmin && (
        <Space wrap style={{ marginBottom: 16 }}>
          <Segmented<"mine" | "platform">
            aria-label={t("webhooks.scope")}
            value={scope}
            onChange={(v) => setUrl((prev) => ({ ...prev, scope: v, page: 1 }))}
            options={[
              { value: "mine", label: t("webhooks.scopeMine") },
              { value: "platform", label: t("webhooks.scopePlatform") },
            ]}
            data-testid="webhook-scope"
          />
          {platform && <Typography.Text type="secondary">{t("webhooks.platformHelp")}</Typography.Text>}
        </Space>
      )}
      {hooks.isError && !hooks.data ? (
        <LoadError onRetry={() => void hooks.refetch()} />
      ) : (
        <>
          {hooks.isError && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={errorText(t, hooks.error)}
              action={
                <Button size="small" onClick={() => void hooks.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            />
          )}
          <Table<TWebhookEndpoint>
            rowKey="id"
            data-testid="webhooks-table"
            loading={hooks.isFetching && !!hooks.data}
            dataSource={hooks.data?.items ?? []}
            locale={{
              emptyText: !hooks.data ? <Skeleton active paragraph={{ rows: 4 }} /> : <EmptyState platform={platform} onAdd={() => setEditing(null)} />,
            }}
            pagination={tablePagination(t, filters, hooks.data?.total, (page, pageSize) => setUrl((prev) => ({ ...prev, page, pageSize })))}
            {...table}
          />
        </>
      )}
      <WebhookForm
        open={editing !== undefined}
        endpoint={editing ?? null}
        platform={platform}
        pending={create.isPending || update.isPending}
        onClose={() => setEditing(undefined)}
        onSubmit={save}
      />
      <SecretModal shown={secret} onClose={() => setSecret(null)} />
      <DeliveryLog key={logOf ?? ""} endpoint={logEndpoint} onClose={() => setLogOf(null)} />
    </Card>
  );
}
