"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Form, Input, Skeleton, Typography } from "antd";
import { call } from "@/lib/api/client";
import { api } from "@/lib/contracts";
import type { TRegisterRequest } from "@/lib/contracts/auth";
import { useAuthConfig } from "@/lib/hooks/users";
import { errorText, fieldErrors } from "../common/error-text";
import { useT } from "../providers/i18n";
import { AuthCard } from "./auth-card";

export function RegisterForm() {
  const t = useT();
  const router = useRouter();
  const [form] = Form.useForm();
  const config = useAuthConfig();
  const register = useMutation({
    mutationFn: (body: TRegisterRequest) => call(api.register, { body }),
    onSuccess: () => router.push("/login?registered=1"),
    onError: (err) => form.setFields(fieldErrors(err)),
  });

  return (
    <AuthCard title={t("auth.registerTitle")}>
      {config.isLoading ? (
        <Skeleton active />
      ) : !config.data?.registrationEnabled ? (
        <Alert type="warning" showIcon message={t("auth.registrationClosed")} />
      ) : (
        <>
          {register.error && <Alert type="error" showIcon role="alert" message={errorText(t, register.error)} style={{ marginBottom: 16 }} />}
          <Form
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={register.isPending}
            onFinish={(v: TRegisterRequest & { confirm: string }) =>
              register.mutate({ username: v.username, email: v.email, password: v.password })
            }
          >
            <Form.Item
              name="username"
              label={t("auth.username")}
              extra={t("auth.usernameRule")}
              rules={[
                { required: true, message: t("auth.required") },
                { pattern: /^[a-zA-Z0-9_.-]{3,32}$/, message: t("auth.usernameRule") },
              ]}
            >
              <Input autoComplete="username" autoFocus />
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
            <Form.Item
              name="password"
              label={t("auth.password")}
              extra={t("auth.passwordRule")}
              rules={[
                { required: true, message: t("auth.required") },
                { min: 8, message: t("auth.passwordRule") },
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="confirm"
              label={t("auth.confirmPassword")}
              dependencies={["password"]}
              rules={[
                { required: true, message: t("auth.required") },
                ({ getFieldValue }) => ({
                  validator: (_, v) => (v === getFieldValue("password") ? Promise.resolve() : Promise.reject(new Error(t("auth.passwordsDiffer")))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
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
