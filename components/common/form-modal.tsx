"use client";
import { App, Form, Modal, type FormInstance } from "antd";
import { errorText, fieldErrors } from "./error-text";
import { useT } from "../providers/i18n";

// A modal holding a form: submits through `onSubmit`, shows the API's field errors on the
// fields and its message as a toast, and closes (and resets) only on success.

type Props<T> = {
  title: React.ReactNode;
  open: boolean;
  onClose: () => void;
  onSubmit: (values: T) => Promise<unknown>;
  okText?: string;
  pending?: boolean;
  initialValues?: Partial<T>;
  form?: FormInstance<T>;
  children: React.ReactNode;
};

export function FormModal<T extends object>({ title, open, onClose, onSubmit, okText, pending, initialValues, form: given, children }: Props<T>) {
  const t = useT();
  const { message } = App.useApp();
  const [own] = Form.useForm<T>();
  const form = given ?? own;

  async function onFinish(values: T) {
    try {
      await onSubmit(values);
      form.resetFields();
      onClose();
    } catch (err) {
      form.setFields(fieldErrors(err) as never);
      void message.error(errorText(t, err));
    }
  }

  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={okText ?? t("common.create")}
      cancelText={t("common.cancel")}
      confirmLoading={pending}
      destroyOnHidden
    >
      <Form<T> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} initialValues={initialValues}>
        {children}
      </Form>
    </Modal>
  );
}
