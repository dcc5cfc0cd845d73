"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { Alert, Button, Form, Input, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useAuthConfig } from "@/lib/hooks/users";
import type { MessageKey } from "@/lib/i18n";
import { safeCallback } from "@/lib/navigation";
import { useT } from "../providers/i18n";
import { MaintenanceBanner } from "../layout/maintenance-banner";
import { AuthCard } from "./auth-card";

export function LoginForm() {
  const t = useT();
  const router = useRouter();
  const search = useSearchParams();
  const config = useAuthConfig();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const notice = search.get("reason") === "session" ? t("auth.sessionEnded") : search.get("registered") ? t("auth.registered") : null;

  async function onFinish(values: { username: string; password: string }) {
    setPending(true);
    setError(null);
    const res = await signIn("credentials", { ...values, redirect: false });
    if (res?.ok && !res.error) {
      router.replace(safeCallback(search.get("callbackUrl")));
      router.refresh();
      return;
    }
    setPending(false);
    // authorize() reports "CODE" or "CODE:retryAfterSeconds".
    const [code = "INTERNAL", seconds = "60"] = (res?.error ?? "INTERNAL").split(":");
    const known = ["INVALID_CREDENTIALS", "ACCOUNT_DISABLED", "ACCOUNT_LOCKED", "RATE_LIMITED"].includes(code);
    setError(t(`errors.${known ? code : "INVALID_CREDENTIALS"}` as MessageKey, { seconds }));
  }

  return (
    <AuthCard title={t("auth.signInTitle")} subtitle={t("auth.signInSubtitle")}>
      <MaintenanceBanner />
      {notice && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form layout="vertical" onFinish={onFinish} requiredMark={false} disabled={pending} initialValues={{ username: search.get("username") ?? "" }}>
        <Form.Item name="username" label={t("auth.usernameOrEmail")} rules={[{ required: true, message: t("auth.required") }]}>
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus={!search.get("username")} />
        </Form.Item>
        <Form.Item name="password" label={t("auth.password")} rules={[{ required: true, message: t("auth.required") }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" autoFocus={!!search.get("username")} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={pending}>
          {t("auth.signIn")}
        </Button>
      </Form>
      {config.data?.registrationEnabled && (
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: "center" }}>
          {t("auth.noAccount")} <Link href="/register">{t("auth.register")}</Link>
        </Typography.Paragraph>
      )}
    </AuthCard>
  );
}
