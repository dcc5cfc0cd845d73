"use client";
import { signIn } from "next-auth/react";
import { Alert, App, Button, Card, Form, Input } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useChangePassword, useMe } from "@/lib/hooks/users";
import { userKeys } from "@/lib/api/keys";
import { NewPasswordFields } from "../common/account-fields";
import { showFormError } from "../common/error-text";
import { whileReauthenticating } from "../providers/app-providers";
import { usePrefs, useT } from "../providers/i18n";

/** Changing the password ends every session, this one included; we sign in again silently. */
export function PasswordCard() {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const me = useMe();
  const qc = useQueryClient();
  const change = useChangePassword();
  const [form] = Form.useForm();

  async function onFinish(v: { currentPassword: string; newPassword: string }) {
    // The change ends this session too: until the page has signed in again with the new
    // password, other requests' 401s are expected and must not send it to sign-in.
    const changed = await whileReauthenticating(async () => {
      try {
        await change.mutateAsync({ currentPassword: v.currentPassword, newPassword: v.newPassword });
      } catch (err) {
        void message.error(showFormError(t, locale, form, err));
        return false;
      }
      await signIn("credentials", { username: me.data?.username, password: v.newPassword, redirect: false });
      return true;
    });
    if (!changed) return;
    form.resetFields();
    await qc.invalidateQueries({ queryKey: userKeys.all });
    void message.success(t("profile.passwordChanged"));
  }

  return (
    <Card title={t("profile.changePassword")}>
      <Alert type="warning" showIcon title={t("profile.passwordWarning")} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item name="currentPassword" label={t("profile.currentPassword")} rules={[{ required: true, message: t("auth.required") }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <NewPasswordFields name="newPassword" label={t("profile.newPassword")} />
        <Button type="primary" htmlType="submit" loading={change.isPending}>
          {t("profile.changePassword")}
        </Button>
      </Form>
    </Card>
  );
}
