"use client";
import { useState } from "react";
import { Alert, App, Button, Descriptions, Drawer, Empty, Grid, Select, Skeleton, Space, Table, Tag, Tooltip, Typography } from "antd";
import { ReloadOutlined, RetweetOutlined, SendOutlined } from "@ant-design/icons";
import { type TWebhookDelivery, type TWebhookEndpoint, WEBHOOK_DELIVERY_STATUSES } from "@/lib/contracts/webhooks";
import { formatTime } from "@/lib/format";
import { type DeliveryFilters, useRedeliverWebhook, useTestWebhook, useWebhookDeliveries, useWebhookDelivery } from "@/lib/hooks/webhooks";
import { TimeCell } from "../common/audit-event";
import { CodeBlock } from "../common/code-block";
import { errorText } from "../common/error-text";
import { type FitColumn, LoadError, tablePagination } from "../common/listing";
import { useT } from "../providers/i18n";
import { eventLabel } from "./webhook-form";

// An endpoint's delivery log (a drawer): its deliveries newest first, filtered by status,
// refreshing itself while one is pending. A delivery opens in a second drawer: the body sent,
// every attempt (automatic or redelivered: status, latency, the answer's start, the error),
// and a button that sends it again now and says how that went.

type Status = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
type TDelivery = TWebhookDelivery;
type TAttempt = NonNullable<ReturnType<typeof useWebhookDelivery>["data"]>["attempts"][number];

const STATUS_COLORS: Record<Status, string> = { pending: "gold", succeeded: "green", failed: "red" };

export function DeliveryStatusTag({ status }: { status: Status }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }} data-testid="delivery-status">
      {t(`webhooks.statuses.${status}`)}
    </Tag>
  );
}

/** An HTTP status, coloured by outcome; "—" when no answer came. */
function HttpStatus({ status }: { status: number | null }) {
  if (status === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Typography.Text type={status >= 200 && status < 300 ? "success" : "danger"}>{status}</Typography.Text>;
}

/** The body sent, pretty-printed when it is JSON (it always is, but show what was sent if not). */
function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

function Attempts({ attempts }: { attempts: TAttempt[] }) {
  const t = useT();
  const columns: FitColumn<TAttempt>[] = [
    { title: t("webhooks.time"), dataIndex: "createdAt", width: 110, render: (v: string) => <TimeCell at={v} /> },
    {
      title: t("webhooks.trigger"),
      dataIndex: "trigger",
      width: 100,
      render: (v: string) => <Tag style={{ marginInlineEnd: 0 }}>{v === "auto" || v === "redeliver" ? t(`webhooks.triggers.${v}`) : v}</Tag>,
    },
    { title: t("webhooks.httpStatus"), dataIndex: "status", width: 110, render: (v: number | null) => <HttpStatus status={v} /> },
    { title: t("webhooks.latency"), dataIndex: "latencyMs", width: 90, render: (v: number) => t("webhooks.ms", { ms: v }) },
    {
      title: t("webhooks.answer"),
      width: 240,
      render: (_, a) => (
        <Space orientation="vertical" size={2} style={{ width: "100%" }}>
          {a.error && (
            <Typography.Text type="danger" style={{ overflowWrap: "anywhere" }}>
              {a.error}
            </Typography.Text>
          )}
          {a.response ? (
            <Typography.Paragraph
              code
              ellipsis={{ rows: 3, expandable: true, symbol: t("webhooks.showAll") }}
              style={{ marginBottom: 0, overflowWrap: "anywhere" }}
            >
              {a.response}
            </Typography.Paragraph>
          ) : (
            !a.error && <Typography.Text type="secondary">{t("webhooks.emptyBody")}</Typography.Text>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Table<TAttempt>
      rowKey="id"
      size="small"
      data-testid="delivery-attempts"
      dataSource={attempts}
      pagination={false}
      columns={columns}
      scroll={{ x: columns.reduce((s, c) => s + c.width, 0) }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("webhooks.noAttempts")} /> }}
    />
  );
}

function DeliveryDetail({ endpoint, deliveryId, onClose }: { endpoint: TWebhookEndpoint; deliveryId: string | null; onClose: () => void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const detail = useWebhookDelivery(endpoint.id, deliveryId);
  const redeliver = useRedeliverWebhook();
  // How the last redelivery went, until the drawer closes.
  const [outcome, setOutcome] = useState<TDelivery | null>(null);
  const d = detail.data;

  async function sendAgain() {
    if (!deliveryId) return;
    setOutcome(null);
    try {
      setOutcome(await redeliver.mutateAsync({ id: endpoint.id, deliveryId }));
    } catch (err) {
      void message.error(errorText(t, err));
    }
  }

  const outcomeOk = outcome?.lastStatus != null && outcome.lastStatus >= 200 && outcome.lastStatus < 300;
  return (
    <Drawer
      title={d ? `${t("webhooks.deliveryTitle")}: ${d.eventType}` : t("webhooks.deliveryTitle")}
      open={!!deliveryId}
      onClose={() => {
        setOutcome(null);
        onClose();
      }}
      width={screens.md === false ? "100%" : 760}
      destroyOnHidden
      extra={
        <Tooltip title={endpoint.enabled ? t("webhooks.redeliverHelp") : t("webhooks.disabledHint")}>
          <Button
            type="primary"
            icon={<RetweetOutlined />}
            loading={redeliver.isPending}
            disabled={!d || !endpoint.enabled}
            onClick={() => void sendAgain()}
            data-testid="delivery-redeliver"
          >
            {t("webhooks.redeliver")}
          </Button>
        </Tooltip>
      }
    >
      {detail.isError && !d ? (
        <LoadError onRetry={() => void detail.refetch()} />
      ) : !d ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="delivery-detail">
          {outcome && (
            <Alert
              type={outcomeOk ? "success" : "error"}
              showIcon
              closable={{ onClose: () => setOutcome(null) }}
              data-testid="delivery-redeliver-outcome"
              title={
                outcomeOk
                  ? t("webhooks.redelivered", { status: String(outcome.lastStatus) })
                  : t("webhooks.redeliverFailed", { reason: outcome.lastError ?? (outcome.lastStatus ? `HTTP ${outcome.lastStatus}` : t("webhooks.noAnswer")) })
              }
            />
          )}
          <Descriptions
            size="small"
            column={screens.md === false ? 1 : 2}
            items={[
              { key: "event", label: t("webhooks.eventType"), children: <Typography.Text code>{d.eventType}</Typography.Text> },
              { key: "status", label: t("common.status"), children: <DeliveryStatusTag status={d.status} /> },
              {
                key: "id",
                label: t("webhooks.messageId"),
                span: screens.md === false ? 1 : 2,
                children: (
                  <Typography.Text code copyable={{ tooltips: [t("common.copy"), t("common.copied")] }}>
                    {d.messageId}
                  </Typography.Text>
                ),
              },
              { key: "attempts", label: t("webhooks.attempts"), children: d.attemptCount },
              { key: "created", label: t("common.createdAt"), children: formatTime(d.createdAt) },
              ...(d.status === "pending" && d.nextAttemptAt
                ? [{ key: "next", label: t("webhooks.nextAttemptAt"), children: formatTime(d.nextAttemptAt) }]
                : []),
            ]}
          />
          <div>
            <Typography.Title level={5}>{t("webhooks.payload")}</Typography.Title>
            <CodeBlock text={prettyPayload(d.payload)} testId="delivery-payload" />
          </div>
          <div>
            <Typography.Title level={5}>{t("webhooks.attemptsTitle")}</Typography.Title>
            <Attempts attempts={d.attempts} />
          </div>
        </Space>
      )}
    </Drawer>
  );
}

export function DeliveryLog({ endpoint, onClose }: { endpoint: TWebhookEndpoint | null; onClose: () => void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const [q, setQ] = useState<DeliveryFilters>({ page: 1, pageSize: 20 });
  const [openId, setOpenId] = useState<string | null>(null);
  const deliveries = useWebhookDeliveries(endpoint?.id ?? null, q);
  const test = useTestWebhook();
  const hasPending = deliveries.data?.items.some((d) => d.status === "pending") ?? false;

  const sendTest = () =>
    endpoint &&
    test
      .mutateAsync(endpoint.id)
      .then(() => void message.success(t("webhooks.testSent")))
      .catch((err: unknown) => void message.error(errorText(t, err)));

  const phone = screens.md === false;
  const columns: FitColumn<TDelivery>[] = [
    {
      title: t("webhooks.eventType"),
      dataIndex: "eventType",
      width: 170,
      render: (v: string) => (
        <Tooltip title={eventLabel(t, v)}>
          <Typography.Text code>{v}</Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t("common.status"),
      width: 150,
      render: (_, d) => (
        <Space orientation="vertical" size={0}>
          <DeliveryStatusTag status={d.status} />
          {d.status === "pending" && d.nextAttemptAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("webhooks.nextAttempt", { time: formatTime(d.nextAttemptAt) })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t("webhooks.attempts"), dataIndex: "attemptCount", width: 80, render: (v: number) => <span data-testid="delivery-attempt-count">{v}</span> },
    {
      title: t("webhooks.lastAnswer"),
      width: 110,
      render: (_, d) => (
        <Space orientation="vertical" size={0}>
          <HttpStatus status={d.lastStatus} />
          {d.lastLatencyMs !== null && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("webhooks.ms", { ms: d.lastLatencyMs })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t("webhooks.lastError"),
      dataIndex: "lastError",
      width: 200,
      render: (v: string | null) =>
        v ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 184 }}>
            {v}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    { title: t("common.createdAt"), dataIndex: "createdAt", width: 110, render: (v: string) => <TimeCell at={v} /> },
    {
      title: "",
      width: 90,
      render: (_, d) => (
        <Button
          size="small"
          onClick={(e) => {
            e.stopPropagation();
            setOpenId(d.id);
          }}
        >
          {t("webhooks.view")}
        </Button>
      ),
    },
  ];

  return (
    <Drawer
      title={endpoint ? t("webhooks.logTitle") : ""}
      open={!!endpoint}
      onClose={onClose}
      width={phone ? "100%" : 1000}
      destroyOnHidden
      extra={
        endpoint && (
          <Tooltip title={endpoint.enabled ? undefined : t("webhooks.disabledHint")}>
            <Button icon={<SendOutlined />} disabled={!endpoint.enabled} loading={test.isPending} onClick={() => void sendTest()} data-testid="log-send-test">
              {t("webhooks.sendTest")}
            </Button>
          </Tooltip>
        )
      }
    >
      {endpoint && (
        <>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            <Typography.Text code style={{ overflowWrap: "anywhere" }}>
              {endpoint.url}
            </Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t("webhooks.logIntro")}</Typography.Paragraph>
          <Space wrap style={{ marginBottom: 16 }}>
            <Select<"" | Status>
              aria-label={t("common.status")}
              style={{ width: 170 }}
              value={q.status ?? ""}
              onChange={(status) => setQ((prev) => ({ ...prev, page: 1, status: status || undefined }))}
              options={[
                { value: "", label: t("webhooks.statusAll") },
                ...WEBHOOK_DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`webhooks.statuses.${s}`) })),
              ]}
              data-testid="delivery-status-filter"
            />
            <Button icon={<ReloadOutlined />} loading={deliveries.isFetching} onClick={() => void deliveries.refetch()}>
              {t("common.refresh")}
            </Button>
            {hasPending && <Typography.Text type="secondary">{t("webhooks.autoRefresh")}</Typography.Text>}
          </Space>
          {deliveries.isError && !deliveries.data ? (
            <LoadError onRetry={() => void deliveries.refetch()} />
          ) : (
            <Table<TDelivery>
              rowKey="id"
              data-testid="delivery-table"
              size="small"
              dataSource={deliveries.data?.items ?? []}
              columns={columns}
              scroll={{ x: columns.reduce((s, c) => s + c.width, 0) }}
              onRow={(d) => ({ onClick: () => setOpenId(d.id), style: { cursor: "pointer" } })}
              locale={{
                emptyText: !deliveries.data ? (
                  <Skeleton active paragraph={{ rows: 4 }} />
                ) : q.status ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("webhooks.noMatch")} />
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("webhooks.noDeliveries")} />
                ),
              }}
              pagination={tablePagination(t, q, deliveries.data?.total, (page, pageSize) => setQ((prev) => ({ ...prev, page, pageSize })))}
            />
          )}
          <DeliveryDetail endpoint={endpoint} deliveryId={openId} onClose={() => setOpenId(null)} />
        </>
      )}
    </Drawer>
  );
}
