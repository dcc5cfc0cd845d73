"use client";
import { Checkbox, Col, Form, Input, Row, Space, theme, Typography } from "antd";
import { PLATFORM_EVENT_TYPES, type TWebhookEndpoint, type TWebhookEventType, WEBHOOK_EVENT_TYPES } from "@/lib/contracts/webhooks";
import type { MessageKey } from "@/lib/i18n";
import { FormDialog } from "../common/form-dialog";
import { type T, useT } from "../providers/i18n";

// The add/edit dialog of a webhook endpoint: its URL, a description, and the events it takes,
// in groups by kind. Node events are offered for platform endpoints only (the server refuses
// them on a user's, under the field). The URL is checked by the server, whose words land
// under the field.

export type WebhookFormValues = { url: string; description: string; eventTypes: TWebhookEventType[] };

type Group = "instance" | "job" | "slurm" | "balance" | "node";
/** The groups in two columns of about the same height (one below the other on phones). */
const COLUMNS: Group[][] = [
  ["instance", "node"],
  ["job", "slurm", "balance"],
];

const groupOf = (type: TWebhookEventType) => type.split(".")[0] as Group;

/** "instance.created" in the reader's words. */
export const eventLabel = (t: T, type: string) => {
  const key = `webhooks.events.${type}` as MessageKey;
  const text = t(key);
  return text === key ? type : text;
};

/** The event types an endpoint may take: platform endpoints every one, a user's all but the nodes'. */
export const eventTypesFor = (platform: boolean): TWebhookEventType[] => WEBHOOK_EVENT_TYPES.filter((e) => platform || !PLATFORM_EVENT_TYPES.includes(e));

function EventTypesPicker({ value, onChange, platform }: { value?: string[]; onChange?: (v: string[]) => void; platform: boolean }) {
  const t = useT();
  const { token } = theme.useToken();
  const types = eventTypesFor(platform);
  return (
    <Checkbox.Group value={value} onChange={(v) => onChange?.(v as string[])} style={{ display: "block" }} data-testid="webhook-event-types">
      <Row gutter={[12, 12]}>
        {COLUMNS.map((column) => (
          <Col key={column.join()} xs={24} md={12}>
            <Space orientation="vertical" size={12} style={{ width: "100%" }}>
              {column
                .filter((g) => types.some((e) => groupOf(e) === g))
                .map((g) => (
                  <div key={g} style={{ border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadius, padding: "8px 12px" }}>
                    <Typography.Text strong style={{ display: "block", marginBottom: 4 }}>
                      {t(`webhooks.groups.${g}`)}
                    </Typography.Text>
                    <Space orientation="vertical" size={4}>
                      {types
                        .filter((e) => groupOf(e) === g)
                        .map((e) => (
                          <Checkbox key={e} value={e} data-testid={`webhook-event-${e}`}>
                            <Typography.Text code>{e}</Typography.Text> <Typography.Text type="secondary">{eventLabel(t, e)}</Typography.Text>
                          </Checkbox>
                        ))}
                    </Space>
                  </div>
                ))}
            </Space>
          </Col>
        ))}
      </Row>
    </Checkbox.Group>
  );
}

export function WebhookForm({
  open,
  endpoint,
  platform,
  pending,
  onClose,
  onSubmit,
}: {
  open: boolean;
  /** The endpoint edited; none when adding one. */
  endpoint: TWebhookEndpoint | null;
  platform: boolean;
  pending: boolean;
  onClose: () => void;
  onSubmit: (v: WebhookFormValues) => Promise<unknown>;
}) {
  const t = useT();
  const isPlatform = endpoint ? endpoint.platform : platform;
  return (
    <FormDialog<WebhookFormValues>
      title={endpoint ? t("webhooks.editEndpoint") : isPlatform ? t("webhooks.newPlatformEndpoint") : t("webhooks.newEndpoint")}
      okText={endpoint ? t("common.save") : t("common.create")}
      open={open}
      onClose={onClose}
      onSubmit={onSubmit}
      pending={pending}
      width={820}
      initialValues={
        endpoint
          ? { url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes as TWebhookEventType[] }
          : { url: "", description: "", eventTypes: [] }
      }
    >
      <Form.Item name="url" label={t("webhooks.url")} extra={t("webhooks.urlHelp")} rules={[{ required: true, whitespace: true, message: t("auth.required") }]}>
        <Input autoFocus maxLength={2048} placeholder="https://example.com/hooks/ai-infra" data-testid="webhook-url" />
      </Form.Item>
      <Form.Item name="description" label={t("webhooks.description")} rules={[{ max: 500 }]}>
        <Input maxLength={500} placeholder={t("webhooks.descriptionPlaceholder")} data-testid="webhook-description" />
      </Form.Item>
      <Form.Item
        name="eventTypes"
        label={t("webhooks.eventTypes")}
        extra={isPlatform ? t("webhooks.eventTypesPlatformHelp") : t("webhooks.eventTypesHelp")}
        rules={[{ required: true, type: "array", min: 1, message: t("webhooks.eventTypesRequired") }]}
      >
        <EventTypesPicker platform={isPlatform} />
      </Form.Item>
    </FormDialog>
  );
}
