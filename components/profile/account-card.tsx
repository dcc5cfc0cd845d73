"use client";
import { App, Button, Card, Descriptions, Form, Input, Skeleton, Tag } from "antd";
import { useMe, useUpdateMe } from "@/lib/hooks/users";
import { formatMoney, formatTime } from "@/lib/format";
import { showFormError } from "../common/error-text";
import { usePrefs, useT } from "../providers/i18n";

export function AccountCard() {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const me = useMe();
  const update = useUpdateMe();
  const [form] = Form.useForm();
  if (!me.data) return <Card title={t("profile.account")}>{me.isError ? t("common.loadFailed") : <Skeleton active />}</Card>;
  const u = me.data;
  return (
    <Card title={t("profile.account")}>
      <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t("auth.username")}>{u.username}</Descriptions.Item>
        <Descriptions.Item label={t("profile.role")}>
          <Tag color={u.role === "admin" ? "purple" : "blue"}>{u.role === "admin" ? t("users.admin") : t("users.user")}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("dashboard.balance")}>{formatMoney(u.balanceCents, locale)}</Descriptions.Item>
        <Descriptions.Item label={t("profile.lastLogin")}>{formatTime(u.lastLoginAt)}</Descriptions.Item>
      </Descriptions>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ nickname: u.nickname ?? "", email: u.email }}
        onFinish={(v: { nickname: string; email: string }) =>
          update.mutate(
            { nickname: v.nickname.trim() || null, email: v.email },
            {
              onSuccess: () => void message.success(t("common.saved")),
              onError: (err) => void message.error(showFormError(t, locale, form, err)),
            },
          )
        }
      >
        <Form.Item name="nickname" label={t("profile.nickname")} rules={[{ max: 64 }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t("auth.email")}
          rules={[
            { required: true, message: t("auth.required") },
            { type: "email", message: t("auth.invalidEmail") },
          ]}
        >
          <Input autoComplete="email" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t("common.save")}
        </Button>
      </Form>
    </Card>
  );
}
