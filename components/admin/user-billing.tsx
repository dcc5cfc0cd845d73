"use client";
import { useState } from "react";
import { App, Button, Drawer, Flex, Form, Input, InputNumber, Statistic } from "antd";
import { EditOutlined } from "@ant-design/icons";
import type { TUserProfile } from "@/lib/contracts/users";
import { useAdjust } from "@/lib/hooks/billing";
import { formatMoney } from "@/lib/format";
import { LedgerTable } from "../billing/ledger-table";
import { FormDialog } from "../common/form-dialog";
import { usePrefs, useT } from "../providers/i18n";
import { randomHex } from "@/lib/random";

// Administrators: a user's balance and ledger, and adjustments with a reason (each one a
// ledger entry, audited). Amounts are entered in yuan and sent as cents.

type AdjustForm = { amount: number; reason: string };

export function UserBilling({ user, onClose }: { user: TUserProfile | null; onClose: () => void }) {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const adjust = useAdjust();
  const [adjusting, setAdjusting] = useState(false);
  // One key per opening of the dialog: a double submit or a retry makes one adjustment.
  const [idempotencyKey, setIdempotencyKey] = useState(() => randomHex());
  return (
    <Drawer title={user ? t("billing.userLedger", { name: user.username }) : ""} open={!!user} onClose={onClose} width={960} destroyOnHidden>
      {user && (
        <>
          <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
            <Statistic title={t("billing.balance")} value={formatMoney(user.balanceCents, locale)} data-testid="user-balance" />
            <Button
              icon={<EditOutlined />}
              onClick={() => {
                setIdempotencyKey(randomHex());
                setAdjusting(true);
              }}
            >
              {t("billing.adjust")}
            </Button>
          </Flex>
          <LedgerTable userId={user.id} />
          <FormDialog<AdjustForm>
            title={t("billing.adjust")}
            okText={t("common.save")}
            open={adjusting}
            onClose={() => setAdjusting(false)}
            pending={adjust.isPending}
            onSubmit={async (v) => {
              const e = await adjust.mutateAsync({ userId: user.id, amountCents: Math.round(v.amount * 100), reason: v.reason, idempotencyKey });
              void message.success(t("billing.adjusted", { balance: formatMoney(e.balanceAfterCents, locale) }));
            }}
          >
            <Form.Item
              name="amount"
              label={t("billing.adjustAmount")}
              rules={[
                { required: true, message: t("billing.adjustAmountRule") },
                { validator: (_, v: number | null) => (v ? Promise.resolve() : Promise.reject(new Error(t("billing.adjustAmountRule")))) },
              ]}
            >
              <InputNumber<number> precision={2} step={1} min={-1_000_000} max={1_000_000} style={{ width: 200 }} prefix="¥" />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t("billing.adjustReason")}
              rules={[{ required: true, whitespace: true, message: t("billing.adjustReasonRequired") }, { max: 500 }]}
            >
              <Input.TextArea rows={2} maxLength={500} showCount />
            </Form.Item>
          </FormDialog>
        </>
      )}
    </Drawer>
  );
}
