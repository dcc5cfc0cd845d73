"use client";
import { useState } from "react";
import { App, Button, Drawer, Flex, Form, Input, Statistic } from "antd";
import { EditOutlined } from "@ant-design/icons";
import { MAX_AMOUNT_CENTS } from "@/lib/contracts/billing";
import type { TUserProfile } from "@/lib/contracts/users";
import { useAdjust } from "@/lib/hooks/billing";
import { CURRENCY_SYMBOL, formatMoney } from "@/lib/format";
import { toCents } from "@/lib/validation";
import { LedgerTable } from "../billing/ledger-table";
import { FormDialog } from "../common/form-dialog";
import { NumberField } from "../common/number-field";
import { usePrefs, useT } from "../providers/i18n";
import { randomHex } from "@/lib/random";

// Administrators: a user's balance and ledger, and adjustments with a reason (each one a
// ledger entry, audited). Amounts are entered in yuan and sent as cents.

type AdjustForm = { amount: number; reason: string };

/** The API's limit on one adjustment, either way (MAX_AMOUNT_CENTS), in yuan. */
const MAX_ADJUST_YUAN = MAX_AMOUNT_CENTS / 100;

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
              const e = await adjust.mutateAsync({ userId: user.id, amountCents: toCents(v.amount), reason: v.reason, idempotencyKey });
              void message.success(t("billing.adjusted", { balance: formatMoney(e.balanceAfterCents, locale) }));
            }}
          >
            <NumberField
              name="amount"
              label={t("billing.adjustAmount")}
              required
              decimals={2}
              min={-MAX_ADJUST_YUAN}
              max={MAX_ADJUST_YUAN}
              prefix={CURRENCY_SYMBOL}
              style={{ width: 200 }}
              rules={[{ validator: async (_, v: number | null) => (v === 0 ? Promise.reject(new Error(t("billing.adjustAmountRule"))) : undefined) }]}
            />
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
