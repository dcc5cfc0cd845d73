"use client";
import { App } from "antd";
import { errorText } from "./error-text";
import { useT } from "../providers/i18n";

/** A confirmation before a destructive action; the action's error is shown as a toast. */
export function useDangerConfirm() {
  const t = useT();
  const { modal, message } = App.useApp();
  return (opts: { title: string; content: string; okText?: string; cancelText?: string; onOk: () => Promise<unknown>; success?: string }) =>
    modal.confirm({
      title: opts.title,
      content: opts.content,
      okText: opts.okText ?? t("common.delete"),
      okButtonProps: { danger: true },
      cancelText: opts.cancelText ?? t("common.cancel"),
      onOk: () =>
        opts
          .onOk()
          .then(() => void message.success(opts.success ?? t("common.deleted")))
          .catch((err: unknown) => void message.error(errorText(t, err))),
    });
}
