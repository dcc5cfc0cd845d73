"use client";
import { useId, useState } from "react";
import { App, Button, Drawer, Form, Modal, Space } from "antd";
import { showFormError } from "./error-text";
import { usePrefs, useT } from "../providers/i18n";

// A form in a modal or a drawer: every opening starts from `initialValues` with a fresh
// form; submitting goes through `onSubmit`; the API's field errors land on the fields (API
// names renamed through `fieldNames`, e.g. pricePerHourCents → price) and the rest in a
// toast; the dialog closes only on success. Fields that need to watch
// other fields use Form.useWatch inside their own component.

type Props<T> = {
  title: React.ReactNode;
  open: boolean;
  onClose: () => void;
  onSubmit: (values: T) => Promise<unknown>;
  okText?: string;
  pending?: boolean;
  initialValues?: Partial<T>;
  variant?: "modal" | "drawer";
  width?: number;
  /** API field name → form field name, where they differ. */
  fieldNames?: Record<string, string>;
  children: React.ReactNode;
};

function DialogForm<T extends object>({
  id,
  initialValues,
  onSubmit,
  onClose,
  fieldNames,
  children,
}: Pick<Props<T>, "initialValues" | "onSubmit" | "onClose" | "fieldNames" | "children"> & { id: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const [form] = Form.useForm<T>();
  async function onFinish(values: T) {
    try {
      await onSubmit(values);
      onClose();
    } catch (err) {
      void message.error(showFormError(t, locale, form, err, fieldNames));
    }
  }
  return (
    <Form<T> id={id} form={form} layout="vertical" onFinish={onFinish} requiredMark={false} initialValues={initialValues} scrollToFirstError>
      {children}
    </Form>
  );
}

export function FormDialog<T extends object>({
  title,
  open,
  onClose,
  onSubmit,
  okText,
  pending,
  initialValues,
  variant = "modal",
  width,
  fieldNames,
  children,
}: Props<T>) {
  const t = useT();
  const formId = `form-${useId().replace(/:/g, "")}`;
  // A new form per opening: derived from the open prop while rendering.
  const [session, setSession] = useState(0);
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setSession((s) => s + 1);
  }
  const body = (
    <DialogForm<T> key={session} id={formId} initialValues={initialValues} onSubmit={onSubmit} onClose={onClose} fieldNames={fieldNames}>
      {children}
    </DialogForm>
  );
  const ok = okText ?? t("common.create");
  if (variant === "drawer") {
    return (
      <Drawer
        title={title}
        open={open}
        onClose={onClose}
        width={width ?? 560}
        destroyOnHidden
        extra={
          <Space>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button type="primary" htmlType="submit" form={formId} loading={pending}>
              {ok}
            </Button>
          </Space>
        }
      >
        {body}
      </Drawer>
    );
  }
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      okText={ok}
      okButtonProps={{ htmlType: "submit", form: formId }}
      cancelText={t("common.cancel")}
      confirmLoading={pending}
      width={width}
      destroyOnHidden
    >
      {body}
    </Modal>
  );
}
