"use client";
import { Form, Input } from "antd";
import { useT } from "../providers/i18n";

// Form fields for accounts, with the same rules everywhere (the server re-validates).

export function UsernameField({ autoFocus }: { autoFocus?: boolean }) {
  const t = useT();
  return (
    <Form.Item
      name="username"
      label={t("auth.username")}
      extra={t("auth.usernameRule")}
      rules={[
        { required: true, message: t("auth.required") },
        { pattern: /^[a-zA-Z0-9_.-]{3,32}$/, message: t("auth.usernameRule") },
      ]}
    >
      <Input autoComplete="username" autoFocus={autoFocus} />
    </Form.Item>
  );
}

export function EmailField() {
  const t = useT();
  return (
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
  );
}

/** A new password, and (unless `confirm` is false) a second entry that must match it. */
export function NewPasswordFields({ name = "password", label, confirm = true }: { name?: string; label?: string; confirm?: boolean }) {
  const t = useT();
  return (
    <>
      <Form.Item
        name={name}
        label={label ?? t("auth.password")}
        rules={[
          { required: true, message: t("auth.required") },
          { min: 8, message: t("auth.passwordRule") },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      {confirm && (
        <Form.Item
          name="confirm"
          label={t("auth.confirmPassword")}
          dependencies={[name]}
          rules={[
            { required: true, message: t("auth.required") },
            ({ getFieldValue }) => ({
              validator: (_, v) => (v === getFieldValue(name) ? Promise.resolve() : Promise.reject(new Error(t("auth.passwordsDiffer")))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      )}
    </>
  );
}
