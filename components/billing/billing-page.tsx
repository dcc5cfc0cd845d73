"use client";
import { App, Button, Card, Col, Form, Input, Row, Skeleton, Statistic, Table, Tabs, Typography } from "antd";
import { GiftOutlined } from "@ant-design/icons";
import { useState } from "react";
import type { TRechargeRecord } from "@/lib/contracts/billing";
import { useBillingSummary, useRechargeRecords, useRedeem } from "@/lib/hooks/billing";
import { formatMoney, formatTime } from "@/lib/format";
import { useUrlState } from "@/lib/hooks/url-state";
import { errorText } from "../common/error-text";
import { LoadError, tablePagination } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { LedgerTable } from "./ledger-table";
import { useRunway } from "./runway";
import { UsageTable } from "./usage-table";

// The user's money: the balance and how long it lasts at the current rate, redeeming a
// recharge code, usage per instance and day (opening to its entries), the ledger (with
// export) and the codes redeemed.

function RedeemForm() {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const redeem = useRedeem();
  const [form] = Form.useForm<{ code: string }>();
  async function submit({ code }: { code: string }) {
    try {
      const r = await redeem.mutateAsync(code);
      void message.success(t("billing.redeemed", { amount: formatMoney(r.amountCents, locale), balance: formatMoney(r.balanceCents, locale) }));
      form.resetFields();
    } catch (err) {
      form.setFields([{ name: "code", errors: [errorText(t, err)] }]);
    }
  }
  return (
    <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
      <Form.Item name="code" label={t("billing.code")} rules={[{ required: true, whitespace: true, message: t("billing.codeRequired") }]}>
        <Input placeholder={t("billing.codePlaceholder")} autoComplete="off" spellCheck={false} maxLength={64} style={{ fontFamily: "monospace" }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" icon={<GiftOutlined />} loading={redeem.isPending}>
        {t("billing.redeemButton")}
      </Button>
    </Form>
  );
}

function Records() {
  const t = useT();
  const { locale } = usePrefs();
  const [q, setQ] = useState({ page: 1, pageSize: 20 });
  const records = useRechargeRecords(q);
  if (records.isError && !records.data) return <LoadError onRetry={() => void records.refetch()} />;
  return (
    <Table<TRechargeRecord>
      rowKey="id"
      size="middle"
      loading={records.isFetching && !records.data}
      dataSource={records.data?.items ?? []}
      locale={{ emptyText: t("billing.noRecords") }}
      pagination={tablePagination(t, q, records.data?.total, (page, pageSize) => setQ({ page, pageSize }))}
      columns={[
        { title: t("billing.time"), dataIndex: "createdAt", render: (v: string) => formatTime(v) },
        { title: t("billing.codeHint"), dataIndex: "codeHint", render: (h: string) => <Typography.Text code>…{h}</Typography.Text> },
        { title: t("billing.description"), dataIndex: "description" },
        {
          title: t("billing.amount"),
          dataIndex: "amountCents",
          align: "right",
          render: (c: number) => <Typography.Text type="success">+{formatMoney(c, locale)}</Typography.Text>,
        },
      ]}
    />
  );
}

export function BillingPage() {
  const t = useT();
  const { locale } = usePrefs();
  const summary = useBillingSummary();
  const runway = useRunway();
  // The tab is in the URL: a reload or a link (/billing?tab=ledger) opens it.
  const [view, setView] = useUrlState({ tab: "usage" });
  const s = summary.data;
  return (
    <>
      <Typography.Title level={3}>{t("billing.title")}</Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10}>
          <Card style={{ height: "100%" }}>
            {summary.isLoading ? (
              <Skeleton active paragraph={{ rows: 2 }} />
            ) : !s ? (
              <LoadError onRetry={() => void summary.refetch()} />
            ) : (
              <>
                <Statistic
                  title={t("billing.balance")}
                  value={formatMoney(s.balanceCents, locale)}
                  data-testid="billing-balance"
                  styles={{ content: { color: s.balanceCents <= 0 ? "#cf1322" : undefined } }}
                />
                <Typography.Text type={s.lowBalance ? "warning" : "secondary"} data-testid="billing-runway">
                  {runway(s)}
                </Typography.Text>
                <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
                  {t("billing.minBalance", { minutes: s.minBalanceMinutes })}
                </Typography.Paragraph>
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} md={14}>
          <Card title={t("billing.redeem")} style={{ height: "100%" }}>
            <RedeemForm />
          </Card>
        </Col>
        <Col span={24}>
          <Card>
            <Tabs
              activeKey={view.tab}
              onChange={(tab) => setView((v) => ({ ...v, tab }))}
              items={[
                { key: "usage", label: t("billing.usage"), children: <UsageTable /> },
                { key: "ledger", label: t("billing.ledger"), children: <LedgerTable /> },
                { key: "records", label: t("billing.records"), children: <Records /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
