"use client";
import { useState } from "react";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
  theme,
} from "antd";
import { CopyOutlined, DownloadOutlined, KeyOutlined, PlusOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import { ApiError } from "@/lib/api/client";
import { CODE_STATUSES, MAX_AMOUNT_CENTS, type TRechargeBatch, type TRechargeCode } from "@/lib/contracts/billing";
import { useBatchCodes, useCreateCodes, useDisableBatch, useDisableCode, useRechargeBatches } from "@/lib/hooks/billing";
import { csvLine } from "@/lib/csv";
import { CURRENCY_SYMBOL, formatMoney, formatTime } from "@/lib/format";
import { toCents } from "@/lib/validation";
import { useDangerConfirm } from "../common/confirm";
import { FormDialog } from "../common/form-dialog";
import { NumberField } from "../common/number-field";
import { LoadError, tablePagination, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// Admin: recharge-code batches with their usage. Generating a batch shows its codes once
// (copy or download as CSV, built in the browser: the server keeps only hashes); a batch's
// codes are listed by their last characters, and codes or whole batches can be disabled.

type CodeStatus = TRechargeCode["status"];
type BatchState = "active" | "used_up" | "expired" | "disabled";
type Created = { batch: TRechargeBatch; codes: string[] };
type GenerateForm = { amount: number; count: number; maxUses: number; expiresAt?: Dayjs | null; description: string };

const NOWRAP = { whiteSpace: "nowrap" } as const;
const STATUS_COLORS: Record<CodeStatus, string> = { active: "green", used_up: "blue", expired: "orange", disabled: "red" };

/** Same precedence as a code's status on the server: disabled, then used up, then expired. */
function batchState(b: TRechargeBatch, now = Date.now()): BatchState {
  if (b.disabledAt) return "disabled";
  if (b.redemptions >= b.count * b.maxUses) return "used_up";
  if (b.expiresAt && Date.parse(b.expiresAt) <= now) return "expired";
  return "active";
}

function StatusTag({ status }: { status: CodeStatus }) {
  const t = useT();
  return <Tag color={STATUS_COLORS[status]}>{t(`recharge.status.${status}`)}</Tag>;
}

function CreatedLine({ batch }: { batch: TRechargeBatch }) {
  const text = batch.createdBy ? `${batch.createdBy} · ${formatTime(batch.createdAt)}` : formatTime(batch.createdAt);
  return (
    <Typography.Text type="secondary" ellipsis={{ tooltip: text }} style={{ display: "block" }}>
      {text}
    </Typography.Text>
  );
}

function codesCsv({ batch, codes }: Created): string {
  const amount = (batch.amountCents / 100).toFixed(2);
  return (
    csvLine(["code", "amount", "description", "expiresAt", "batchId"]) +
    codes.map((code) => csvLine([code, amount, batch.description, batch.expiresAt, batch.id])).join("")
  );
}

function downloadCsv(created: Created) {
  // A byte-order mark, so spreadsheet programs read a Chinese description as UTF-8.
  const url = URL.createObjectURL(new Blob(["\uFEFF", codesCsv(created)], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `recharge-codes-${created.batch.id}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The clipboard API needs a secure context; over plain HTTP on a LAN address fall back to a selection. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

export function RechargeCodesPage() {
  const t = useT();
  const { locale } = usePrefs();
  const confirm = useDangerConfirm();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const batches = useRechargeBatches(paging);
  const create = useCreateCodes();
  const disable = useDisableBatch();
  const [isGenerating, setGenerating] = useState(false);
  // The codes exist only in the create response: held here until their dialog closes.
  const [created, setCreated] = useState<Created | null>(null);
  const [codesOf, setCodesOf] = useState<string | null>(null);
  // The drawer shows the list's copy of its batch, so a disable shows there too.
  const shownBatch = batches.data?.items.find((b) => b.id === codesOf) ?? null;

  const table = useFittedColumns<TRechargeBatch>([
    {
      title: t("recharge.description"),
      dataIndex: "description",
      width: 250,
      render: (d: string, b) => (
        <div style={{ minWidth: 180 }}>
          <Typography.Text strong ellipsis={{ tooltip: d }} style={{ display: "block" }}>
            {d}
          </Typography.Text>
          <CreatedLine batch={b} />
        </div>
      ),
    },
    {
      title: t("recharge.amount"),
      dataIndex: "amountCents",
      align: "right",
      width: 140,
      render: (c: number, b) => (
        <div style={NOWRAP}>
          <div>{formatMoney(c, locale)}</div>
          <Typography.Text type="secondary">{t(b.maxUses === 1 ? "recharge.usesEachOne" : "recharge.usesEachMany", { count: b.maxUses })}</Typography.Text>
        </div>
      ),
    },
    {
      title: t("recharge.usedCodes"),
      width: 130,
      from: "md",
      align: "right",
      // With one use per code, redemptions equal used codes: shown only when they can differ.
      render: (_, b) => (
        <div style={NOWRAP}>
          <div>{`${b.usedCodes} / ${b.count}`}</div>
          {b.maxUses > 1 && <Typography.Text type="secondary">{t("recharge.redemptions", { count: b.redemptions })}</Typography.Text>}
        </div>
      ),
    },
    {
      title: t("recharge.redeemed"),
      dataIndex: "redeemedCents",
      align: "right",
      width: 120,
      from: "lg",
      render: (c: number) => <span style={NOWRAP}>{formatMoney(c, locale)}</span>,
    },
    {
      title: t("recharge.statusExpiry"),
      width: 150,
      from: "sm",
      render: (_, b) => (
        <div style={NOWRAP}>
          <StatusTag status={batchState(b)} />
          <div>
            <Typography.Text type="secondary">{b.expiresAt ? formatTime(b.expiresAt) : t("recharge.neverExpires")}</Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t("common.actions"),
      actions: true,
      width: 210,
      render: (_, b) => (
        <Space>
          <Button size="small" onClick={() => setCodesOf(b.id)}>
            {t("recharge.showCodes")}
          </Button>
          {batchState(b) === "active" && (
            <Button
              size="small"
              danger
              onClick={() =>
                confirm({
                  title: t("recharge.disableBatch"),
                  content: t("recharge.disableBatchConfirm", { name: b.description, count: b.count }),
                  okText: t("recharge.disable"),
                  success: t("recharge.batchDisabled"),
                  onOk: () => disable.mutateAsync(b.id),
                })
              }
            >
              {t("recharge.disableBatch")}
            </Button>
          )}
        </Space>
      ),
    },
  ]);

  if (batches.isError && !batches.data) return <LoadError onRetry={() => void batches.refetch()} />;

  const generateButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setGenerating(true)}>
      {t("recharge.generate")}
    </Button>
  );

  async function generate(v: GenerateForm) {
    try {
      const result = await create.mutateAsync({
        amountCents: toCents(v.amount),
        count: v.count,
        maxUses: v.maxUses,
        expiresAt: v.expiresAt ? v.expiresAt.toISOString() : undefined,
        description: v.description.trim(),
      });
      setPaging((p) => ({ ...p, page: 1 }));
      setCreated(result);
    } catch (err) {
      // The form asks for yuan; the API's issue is about cents.
      if (err instanceof ApiError) {
        const issues = err.issues.map((i) => (/^(body\.)?amountCents$/.test(i.path) ? { path: "amount", message: t("recharge.amountRule") } : i));
        throw new ApiError(err.status, err.code, err.message, issues, err.retryAfterSeconds, err.requestId, err.ref);
      }
      throw err;
    }
  }

  return (
    <Card title={t("recharge.title")} extra={generateButton}>
      <Table<TRechargeBatch>
        rowKey="id"
        loading={batches.isFetching && !!batches.data}
        dataSource={batches.data?.items ?? []}
        {...table}
        locale={{
          emptyText: batches.data ? <Empty description={t("recharge.empty")}>{generateButton}</Empty> : <Skeleton active paragraph={{ rows: 4 }} />,
        }}
        pagination={tablePagination(t, paging, batches.data?.total, (page, pageSize) => setPaging({ page, pageSize }))}
      />
      <FormDialog<GenerateForm>
        title={t("recharge.generate")}
        okText={t("recharge.generateOk")}
        open={isGenerating}
        onClose={() => setGenerating(false)}
        pending={create.isPending}
        width={560}
        initialValues={{ count: 10, maxUses: 1 }}
        onSubmit={generate}
      >
        <GenerateFields />
      </FormDialog>
      <CodesOnceDialog created={created} onClose={() => setCreated(null)} />
      <Drawer
        title={shownBatch ? t("recharge.codesOf", { name: shownBatch.description }) : ""}
        open={!!shownBatch}
        onClose={() => setCodesOf(null)}
        width={680}
        destroyOnHidden
      >
        {shownBatch && <BatchCodes key={shownBatch.id} batch={shownBatch} />}
      </Drawer>
    </Card>
  );
}

function GenerateFields() {
  const t = useT();
  const now = dayjs();
  return (
    <>
      <Row gutter={16}>
        <Col span={12}>
          <NumberField
            name="amount"
            label={t("recharge.amountLabel")}
            required
            decimals={2}
            min={0.01}
            max={MAX_AMOUNT_CENTS / 100}
            step={10}
            prefix={CURRENCY_SYMBOL}
            placeholder="50.00"
          />
        </Col>
        <Col span={12}>
          <NumberField name="count" label={t("recharge.count")} required integer min={1} max={1000} />
        </Col>
      </Row>
      <NumberField name="maxUses" label={t("recharge.maxUses")} extra={t("recharge.maxUsesHelp")} required integer min={1} max={100_000} />
      <Form.Item
        name="expiresAt"
        label={t("recharge.expiresAt")}
        extra={t("recharge.expiresHelp")}
        rules={[
          {
            validator: async (_, v: Dayjs | null | undefined) => (v && !v.isAfter(dayjs()) ? Promise.reject(new Error(t("recharge.expiresRule"))) : undefined),
          },
        ]}
      >
        <DatePicker
          showTime={{ format: "HH:mm" }}
          showNow={false}
          format="YYYY-MM-DD HH:mm"
          style={{ width: "100%" }}
          disabledDate={(d) => d.isBefore(now, "day")}
          presets={[
            { label: t("recharge.in7Days"), value: now.add(7, "day").endOf("day") },
            { label: t("recharge.in30Days"), value: now.add(30, "day").endOf("day") },
            { label: t("recharge.in90Days"), value: now.add(90, "day").endOf("day") },
            { label: t("recharge.in1Year"), value: now.add(1, "year").endOf("day") },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="description"
        label={t("recharge.description")}
        rules={[
          { required: true, whitespace: true, message: t("recharge.descriptionRequired") },
          { max: 200, message: t("recharge.descriptionRule") },
        ]}
      >
        <Input.TextArea rows={2} showCount maxLength={200} placeholder={t("recharge.descriptionPlaceholder")} />
      </Form.Item>
    </>
  );
}

/** The codes of a new batch, this once: the server keeps only their hashes. */
function CodesOnceDialog({ created, onClose }: { created: Created | null; onClose: () => void }) {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const b = created?.batch;

  async function copyAll() {
    if (!created) return;
    try {
      await copyText(created.codes.join("\n"));
      void message.success(t("recharge.copiedAll", { count: created.codes.length }));
    } catch {
      void message.error(t("recharge.copyFailed"));
    }
  }

  return (
    <Modal
      title={
        <Space>
          <KeyOutlined />
          {t("recharge.createdTitle", { count: created?.codes.length ?? 0 })}
        </Space>
      }
      open={created !== null}
      onCancel={onClose}
      width={620}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <Space wrap style={{ justifyContent: "flex-end" }}>
          <Button icon={<CopyOutlined />} onClick={() => void copyAll()}>
            {t("recharge.copyAll")}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => created && downloadCsv(created)}>
            {t("recharge.downloadCsv")}
          </Button>
          <Button type="primary" onClick={onClose}>
            {t("common.close")}
          </Button>
        </Space>
      }
    >
      <Alert type="warning" showIcon title={t("recharge.onceWarning")} style={{ marginBottom: 16 }} />
      {b && (
        <Descriptions
          size="small"
          column={2}
          style={{ marginBottom: 16 }}
          items={[
            {
              key: "description",
              label: t("recharge.description"),
              span: 2,
              children: <Typography.Text ellipsis={{ tooltip: b.description }}>{b.description}</Typography.Text>,
            },
            { key: "amount", label: t("recharge.amount"), children: formatMoney(b.amountCents, locale) },
            { key: "maxUses", label: t("recharge.maxUses"), children: b.maxUses },
            { key: "expires", label: t("recharge.expires"), span: 2, children: b.expiresAt ? formatTime(b.expiresAt) : t("common.never") },
          ]}
        />
      )}
      <ol
        data-testid="new-codes"
        style={{
          margin: "0 0 8px",
          padding: "8px 12px 8px 48px",
          maxHeight: 320,
          overflowY: "auto",
          fontFamily: token.fontFamilyCode,
          fontSize: 15,
          lineHeight: 1.8,
          background: token.colorFillQuaternary,
          border: `1px solid ${token.colorBorderSecondary}`,
          borderRadius: token.borderRadius,
          color: token.colorTextSecondary,
        }}
      >
        {created?.codes.map((c) => (
          <li key={c}>
            <span style={{ color: token.colorText, userSelect: "all" }}>{c}</span>
          </li>
        ))}
      </ol>
    </Modal>
  );
}

/** One batch's codes (inside the drawer): filter by status, disable an active code. */
function BatchCodes({ batch }: { batch: TRechargeBatch }) {
  const t = useT();
  const { locale } = usePrefs();
  const confirm = useDangerConfirm();
  const [q, setQ] = useState<{ page: number; pageSize: number; status?: CodeStatus }>({ page: 1, pageSize: 20 });
  const codes = useBatchCodes(batch.id, q);
  const disable = useDisableCode();

  if (codes.isError && !codes.data) return <LoadError onRetry={() => void codes.refetch()} />;

  return (
    <>
      <Descriptions
        size="small"
        column={2}
        style={{ marginBottom: 16 }}
        items={[
          { key: "amount", label: t("recharge.amount"), children: formatMoney(batch.amountCents, locale) },
          { key: "maxUses", label: t("recharge.maxUses"), children: batch.maxUses },
          { key: "expires", label: t("recharge.expires"), children: batch.expiresAt ? formatTime(batch.expiresAt) : t("common.never") },
          { key: "status", label: t("common.status"), children: <StatusTag status={batchState(batch)} /> },
        ]}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<"" | CodeStatus>
          aria-label={t("common.status")}
          style={{ width: 180 }}
          value={q.status ?? ""}
          onChange={(status) => setQ((f) => ({ ...f, page: 1, status: status || undefined }))}
          options={[
            { value: "", label: `${t("common.status")}: ${t("common.all")}` },
            ...CODE_STATUSES.map((s) => ({ value: s, label: t(`recharge.status.${s}`) })),
          ]}
        />
      </Space>
      <Table<TRechargeCode>
        rowKey="id"
        size="middle"
        loading={codes.isFetching}
        dataSource={codes.data?.items ?? []}
        locale={{ emptyText: codes.data ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("recharge.noCodes")} /> : <Skeleton active /> }}
        pagination={tablePagination(t, q, codes.data?.total, (page, pageSize) => setQ((f) => ({ ...f, page, pageSize })))}
        columns={[
          { title: t("recharge.code"), dataIndex: "hint", render: (h: string) => <Typography.Text code>{`…${h}`}</Typography.Text> },
          { title: t("recharge.uses"), align: "right", render: (_, c) => `${c.uses} / ${c.maxUses}` },
          {
            title: t("recharge.redeemedBy"),
            render: (_, c) =>
              c.redeemedBy.length ? (
                <Space orientation="vertical" size={0}>
                  {c.redeemedBy.map((r) => (
                    <Typography.Text key={`${r.username}-${r.at}`} style={{ whiteSpace: "nowrap" }}>
                      {r.username} <Typography.Text type="secondary">· {formatTime(r.at)}</Typography.Text>
                    </Typography.Text>
                  ))}
                </Space>
              ) : (
                "—"
              ),
          },
          { title: t("common.status"), dataIndex: "status", render: (s: CodeStatus) => <StatusTag status={s} /> },
          { title: t("recharge.disabledAt"), dataIndex: "disabledAt", render: formatTime },
          {
            title: t("common.actions"),
            width: 110,
            render: (_, c) =>
              c.status === "active" && (
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    confirm({
                      title: t("recharge.disableCode"),
                      content: t("recharge.disableCodeConfirm", { hint: c.hint }),
                      okText: t("recharge.disable"),
                      success: t("recharge.codeDisabled"),
                      onOk: () => disable.mutateAsync(c.id),
                    })
                  }
                >
                  {t("recharge.disable")}
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}
