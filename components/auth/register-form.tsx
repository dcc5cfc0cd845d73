"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Form, Skeleton, Typography } from "antd";
import { call } from "@/lib/api/client";
import { api } from "@/lib/contracts";
import type { TRegisterRequest } from "@/lib/contracts/auth";
import { useAuthConfig } from "@/lib/hooks/users";
import { EmailField, NewPasswordFields, UsernameField } from "../common/account-fields";
import { showFormError } from "../common/error-text";
import { usePrefs, useT } from "../providers/i18n";
import { AuthCard } from "./auth-card";

export function RegisterForm() {
  const t = useT();
  const { locale } = usePrefs();
  const router = useRouter();
  const [form] = Form.useForm();
  const config = useAuthConfig();
  const register = useMutation({
    mutationFn: (body: TRegisterRequest) => call(api.register, { body }),
    // The sign-in form takes the new username from the address.
    onSuccess: (_, body) => router.push(`/login?registered=1&username=${encodeURIComponent(body.username)}`),
    onError: (err) => setError(showFormError(t, locale, form, err)),
  });
  const [error, setError] = useState<string | null>(null);

  return (
    <AuthCard title={t("auth.registerTitle")}>
      {config.isLoading ? (
        <Skeleton active />
      ) : !config.data?.registrationEnabled ? (
        <Alert type="warning" showIcon title={t("auth.registrationClosed")} />
      ) : (
        <>
          {register.isError && error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
          <Form
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={register.isPending}
            onFinish={(v: TRegisterRequest & { confirm: string }) => register.mutate({ username: v.username, email: v.email, password: v.password })}
          >
            <UsernameField autoFocus />
            <EmailField />
            <NewPasswordFields />
            <Button type="primary" htmlType="submit" block loading={register.isPending}>
              {t("auth.register")}
            </Button>
          </Form>
        </>
      )}
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: "center" }}>
        {t("auth.haveAccount")} <Link href="/login">{t("auth.signIn")}</Link>
      </Typography.Paragraph>
    </AuthCard>
  );
}
