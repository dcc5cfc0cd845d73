"use client";
import { Alert, App, Button } from "antd";
import { useT } from "../providers/i18n";
import { errorText } from "./error-text";

/**
 * A host key that is not the pinned one: what the check said, and a button that trusts the
 * presented key after a confirmation (nodes, and clusters' login nodes).
 */
export function TrustHostKeyAlert({ message: said, hostKey, trust }: { message: string; hostKey: string; trust: () => Promise<unknown> }) {
  const t = useT();
  const { message, modal } = App.useApp();
  return (
    <Alert
      style={{ marginTop: 12 }}
      type="warning"
      showIcon
      title={said}
      action={
        <Button
          size="small"
          danger
          onClick={() =>
            modal.confirm({
              title: t("nodes.trustKey"),
              content: t("nodes.trustConfirm", { key: hostKey }),
              okButtonProps: { danger: true },
              onOk: () => trust().catch((err: unknown) => void message.error(errorText(t, err))),
            })
          }
        >
          {t("nodes.trustKey")}
        </Button>
      }
    />
  );
}
