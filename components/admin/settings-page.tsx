"use client";
import { useState } from "react";
import { Alert, App, Button, Card, Col, Divider, Form, Input, Modal, Row, Skeleton, Space, Switch, Tag, Typography } from "antd";
import type { Rule } from "antd/es/form";
import { KeyOutlined } from "@ant-design/icons";
import type { TSettings, TUpdateSettingsRequest } from "@/lib/contracts/system";
import type { MessageKey } from "@/lib/i18n";
import { useSettings, useUpdateSettings } from "@/lib/hooks/users";
import { formatDuration } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { errorText, showFormError } from "../common/error-text";
import { LoadError } from "../common/listing";
import { NumberField } from "../common/number-field";
import { usePrefs, useT } from "../providers/i18n";
import { listFieldNames, listOf, listProblem, randomToken, textOf } from "./settings-form";

// Admin: the console's settings, one card per topic, each saved on its own (a PATCH with only
// that card's fields); the server's field problems land under their fields. The metrics
// bearer token is made here in the browser, sent once and shown once (only its hash is kept).

type CardId = "maintenance" | "accounts" | "limits" | "jobs" | "ssh" | "billing" | "network" | "audit" | "metrics";

type Update = ReturnType<typeof useUpdateSettings>;

type CardProps<V> = {
  id: CardId;
  title: string;
  /** The form's values, from the settings: the form starts over when they change on the server. */
  values: V;
  toBody: (values: V) => TUpdateSettingsRequest;
  /** API field name → form field name, where they differ. */
  fieldNames?: Record<string, string>;
  children: React.ReactNode;
  /** Below the form, outside it (the metrics token's own buttons). */
  footer?: React.ReactNode;
};

function SettingsCard<V extends object>({ id, title, values, footer, ...form }: CardProps<V>) {
  // One mutation per card: only this card's button spins.
  const update = useUpdateSettings();
  return (
    <Card title={title} data-testid={`settings-${id}`} style={{ height: "100%" }}>
      <CardForm<V> key={JSON.stringify(values)} id={id} values={values} update={update} {...form} />
      {footer}
    </Card>
  );
}

function CardForm<V extends object>({ id, values, toBody, fieldNames, update, children }: Omit<CardProps<V>, "title" | "footer"> & { update: Update }) {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const [form] = Form.useForm<V>();
  async function onFinish(v: V) {
    try {
      await update.mutateAsync(toBody(v));
      void message.success(t("settings.saved"));
    } catch (err) {
      void message.error(showFormError(t, locale, form, err, fieldNames));
    }
  }
  return (
    <Form<V> form={form} name={`settings-${id}`} layout="vertical" requiredMark={false} initialValues={values} onFinish={onFinish}>
      {children}
      <Button type="primary" htmlType="submit" loading={update.isPending} data-testid={`settings-save-${id}`}>
        {t("common.save")}
      </Button>
    </Form>
  );
}

/** A seconds field's help, with the typed value in days, hours and minutes. */
function SecondsHelp({ name, help }: { name: string; help: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const form = Form.useFormInstance();
  const seconds: unknown = Form.useWatch(name, form);
  const isLong = typeof seconds === "number" && Number.isInteger(seconds) && seconds >= 60;
  return (
    <>
      {help}
      {isLong && ` ${t("settings.duration", { duration: formatDuration(seconds, locale) })}`}
    </>
  );
}

/** The maintenance card's warning: stronger while the switch is on. */
function MaintenanceWarning() {
  const t = useT();
  const isOn = Form.useWatch("maintenanceMode", Form.useFormInstance()) === true;
  return <Alert type={isOn ? "warning" : "info"} showIcon title={t("settings.maintenance.warning")} style={{ marginBottom: 16 }} />;
}

/** An allowlist in a text area, one CIDR per line; each bad line is named before the server sees it. */
function CidrList({ name, label, help, testId }: { name: string; label: string; help: string; testId: string }) {
  const t = useT();
  const rule: Rule = {
    validator: async (_, text: string | undefined) => {
      const p = listProblem(text);
      if (p) throw new Error(p.kind === "notCidr" ? t("settings.list.notCidr", { line: p.line, value: p.value }) : t("settings.list.tooMany", { max: p.max }));
    },
  };
  return (
    <Form.Item name={name} label={label} extra={help} rules={[rule]}>
      <Input.TextArea
        autoSize={{ minRows: 3, maxRows: 12 }}
        placeholder={"10.0.0.0/8\n192.168.1.0/24"}
        spellCheck={false}
        autoComplete="off"
        style={{ fontFamily: "var(--ant-font-family-code, monospace)" }}
        data-testid={testId}
      />
    </Form.Item>
  );
}

/** The metrics bearer token: set or not, a new one (shown once), or none. */
function MetricsToken({ isSet }: { isSet: boolean }) {
  const t = useT();
  const { locale } = usePrefs();
  const { modal, message } = App.useApp();
  const confirm = useDangerConfirm();
  const update = useUpdateSettings();
  // The new token itself: made here, never on the server's answers, so kept until the dialog closes.
  const [created, setCreated] = useState<string | null>(null);

  async function generate() {
    const token = randomToken();
    try {
      await update.mutateAsync({ metricsToken: token });
      setCreated(token);
    } catch (err) {
      void message.error(errorText(t, err, locale));
    }
  }
  function onGenerate() {
    if (!isSet) return void generate();
    modal.confirm({
      title: t("settings.metrics.replaceTitle"),
      content: t("settings.metrics.replaceBody"),
      okText: t("settings.metrics.replace"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: generate,
    });
  }

  return (
    <>
      <Divider />
      <Space wrap size="small" style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t("settings.metrics.token")}</Typography.Text>
        <Tag color={isSet ? "green" : "default"} data-testid="settings-metrics-token-status">
          {isSet ? t("settings.metrics.tokenSet") : t("settings.metrics.tokenNotSet")}
        </Tag>
      </Space>
      <Typography.Paragraph type="secondary">{t("settings.metrics.tokenHelp")}</Typography.Paragraph>
      <Space wrap>
        <Button icon={<KeyOutlined />} onClick={onGenerate} loading={update.isPending} data-testid="settings-metrics-generate">
          {t("settings.metrics.generate")}
        </Button>
        <Button
          danger
          disabled={!isSet}
          data-testid="settings-metrics-remove"
          onClick={() =>
            confirm({
              title: t("settings.metrics.removeTitle"),
              content: t("settings.metrics.removeBody"),
              okText: t("settings.metrics.removeOk"),
              success: t("settings.metrics.removed"),
              onOk: () => update.mutateAsync({ metricsToken: null }),
            })
          }
        >
          {t("settings.metrics.remove")}
        </Button>
      </Space>
      <Modal
        title={
          <Space>
            <KeyOutlined />
            {t("settings.metrics.createdTitle")}
          </Space>
        }
        open={created !== null}
        onCancel={() => setCreated(null)}
        footer={<Button onClick={() => setCreated(null)}>{t("common.close")}</Button>}
        mask={{ closable: false }}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t("settings.metrics.createdBody")} style={{ marginBottom: 16 }} />
        <Typography.Paragraph
          code
          copyable={{ text: created ?? "", onCopy: () => void message.success(t("common.copied")) }}
          data-testid="settings-metrics-token-value"
          style={{ wordBreak: "break-all" }}
        >
          {created}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}

/** A whole-number setting: its field, words (`words` and `${words}Help`) and bounds (the server's too). */
type NumberSetting = { name: NumberSettingName; words: string; min: number; max: number; testId: string; seconds?: boolean };
type NumberSettingName = { [K in keyof TSettings]: TSettings[K] extends number ? K : never }[keyof TSettings];

/** The cards of whole-number settings; a `seconds` field's help also says it in days, hours and minutes. */
const NUMBER_CARDS = {
  limits: [
    { name: "maxInstancesPerUser", words: "settings.limits.maxInstances", min: 1, max: 10_000, testId: "settings-max-instances" },
    { name: "maxTerminalsPerUser", words: "settings.limits.maxTerminals", min: 1, max: 1000, testId: "settings-max-terminals" },
    { name: "sshMaxSessionsPerUser", words: "settings.limits.maxSshSessions", min: 1, max: 1000, testId: "settings-max-ssh-sessions" },
    { name: "maxRunningJobsPerUser", words: "settings.limits.maxRunningJobs", min: 1, max: 1000, testId: "settings-max-running-jobs" },
  ],
  jobs: [{ name: "jobDefaultTimeoutSeconds", words: "settings.jobs.defaultTimeout", min: 1, max: 604_800, testId: "settings-job-timeout", seconds: true }],
  ssh: [{ name: "sshIdleTimeoutSeconds", words: "settings.ssh.idleTimeout", min: 10, max: 604_800, testId: "settings-ssh-idle-timeout", seconds: true }],
  billing: [{ name: "lowBalanceMinutes", words: "settings.billing.lowBalance", min: 0, max: 10_080, testId: "settings-low-balance-minutes" }],
  audit: [
    { name: "auditRetentionDays", words: "settings.audit.retention", min: 30, max: 3650, testId: "settings-audit-retention" },
    { name: "systemLogRetentionDays", words: "settings.audit.systemLogRetention", min: 1, max: 3650, testId: "settings-system-log-retention" },
  ],
} satisfies Partial<Record<CardId, NumberSetting[]>>;

/** A card of whole-number settings. */
function NumberCard({ id, settings }: { id: keyof typeof NUMBER_CARDS; settings: TSettings }) {
  const t = useT();
  const fields: NumberSetting[] = NUMBER_CARDS[id];
  return (
    <SettingsCard
      id={id}
      title={t(`settings.${id}.title` as MessageKey)}
      values={Object.fromEntries(fields.map((f) => [f.name, settings[f.name]]))}
      // The form holds numbers as typed; its rules let only valid ones through.
      toBody={(v) => v as TUpdateSettingsRequest}
    >
      {fields.map((f) => {
        const help = t(`${f.words}Help` as MessageKey);
        return (
          <NumberField
            key={f.name}
            name={f.name}
            label={t(f.words as MessageKey)}
            extra={f.seconds ? <SecondsHelp name={f.name} help={help} /> : help}
            integer
            required
            min={f.min}
            max={f.max}
            data-testid={f.testId}
          />
        );
      })}
    </SettingsCard>
  );
}

export function SettingsPage() {
  const t = useT();
  const settings = useSettings();
  if (!settings.data) {
    if (settings.isError) return <LoadError onRetry={() => void settings.refetch()} />;
    return (
      <Card title={t("settings.title")} data-testid="settings-loading">
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }
  const s = settings.data;
  const cards: React.ReactElement[] = [
    <SettingsCard
      key="maintenance"
      id="maintenance"
      title={t("settings.maintenance.title")}
      values={{ maintenanceMode: s.maintenanceMode, maintenanceMessage: s.maintenanceMessage }}
      toBody={(v) => ({ maintenanceMode: v.maintenanceMode, maintenanceMessage: (v.maintenanceMessage ?? "").trim() })}
    >
      <MaintenanceWarning />
      <Form.Item name="maintenanceMode" label={t("settings.maintenance.mode")} valuePropName="checked">
        <Switch data-testid="settings-maintenance-switch" />
      </Form.Item>
      <Form.Item name="maintenanceMessage" label={t("settings.maintenance.message")} extra={t("settings.maintenance.messageHelp")}>
        <Input.TextArea
          maxLength={500}
          showCount
          autoSize={{ minRows: 2, maxRows: 6 }}
          placeholder={t("settings.maintenance.messagePlaceholder")}
          data-testid="settings-maintenance-message"
        />
      </Form.Item>
    </SettingsCard>,
    <SettingsCard key="accounts" id="accounts" title={t("settings.accounts.title")} values={{ registrationEnabled: s.registrationEnabled }} toBody={(v) => v}>
      <Form.Item name="registrationEnabled" label={t("settings.accounts.registration")} extra={t("settings.accounts.registrationHelp")} valuePropName="checked">
        <Switch data-testid="settings-registration-switch" />
      </Form.Item>
    </SettingsCard>,
    ...(["limits", "jobs", "ssh", "billing"] as const).map((id) => <NumberCard key={id} id={id} settings={s} />),
    <SettingsCard
      key="network"
      id="network"
      title={t("settings.network.title")}
      values={{ egressAllowlist: textOf(s.egressAllowlist) }}
      toBody={(v) => ({ egressAllowlist: listOf(v.egressAllowlist) })}
      fieldNames={listFieldNames("egressAllowlist")}
    >
      <CidrList name="egressAllowlist" label={t("settings.network.egress")} help={t("settings.network.egressHelp")} testId="settings-egress-allowlist" />
    </SettingsCard>,
    <NumberCard key="audit" id="audit" settings={s} />,
    <SettingsCard
      key="metrics"
      id="metrics"
      title={t("settings.metrics.title")}
      values={{ metricsAllowlist: textOf(s.metricsAllowlist), metricsDcgmModelName: s.metricsDcgmModelName }}
      toBody={(v) => ({ metricsAllowlist: listOf(v.metricsAllowlist), metricsDcgmModelName: v.metricsDcgmModelName })}
      fieldNames={listFieldNames("metricsAllowlist")}
      footer={<MetricsToken isSet={s.metricsTokenSet} />}
    >
      <CidrList
        name="metricsAllowlist"
        label={t("settings.metrics.allowlist")}
        help={t("settings.metrics.allowlistHelp")}
        testId="settings-metrics-allowlist"
      />
      <Form.Item name="metricsDcgmModelName" label={t("settings.metrics.dcgm")} extra={t("settings.metrics.dcgmHelp")} valuePropName="checked">
        <Switch data-testid="settings-metrics-dcgm-switch" />
      </Form.Item>
    </SettingsCard>,
  ];
  return (
    <Row gutter={[16, 16]} data-testid="settings-page">
      {cards.map((card) => (
        <Col key={card.key} xs={24} xl={12}>
          {card}
        </Col>
      ))}
    </Row>
  );
}
