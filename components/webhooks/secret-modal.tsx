"use client";
import { Alert, App, Button, Modal, Space, Typography } from "antd";
import { KeyOutlined } from "@ant-design/icons";
import { useT } from "../providers/i18n";

// A webhook endpoint's signing secret, shown once: after the endpoint is added and after a
// rotation (then the old secret still signs for a day beside it).

export type ShownSecret = { secret: string; rotated: boolean; url: string };

export function SecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  return (
    <Modal
      title={
        <Space>
          <KeyOutlined />
          {shown?.rotated ? t("webhooks.secretRotatedTitle") : t("webhooks.secretCreatedTitle")}
        </Space>
      }
      open={shown !== null}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
      mask={{ closable: false }}
      width={600}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary" ellipsis={{ tooltip: shown?.url }} style={{ marginBottom: 12 }}>
        {shown?.url}
      </Typography.Paragraph>
      <Alert
        type="warning"
        showIcon
        title={t("webhooks.secretOnce")}
        description={shown?.rotated ? t("webhooks.secretOverlap") : t("webhooks.secretUse")}
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph
        code
        copyable={{ text: shown?.secret ?? "", tooltips: [t("common.copy"), t("common.copied")], onCopy: () => void message.success(t("common.copied")) }}
        data-testid="webhook-secret"
        style={{ wordBreak: "break-all", marginBottom: 0 }}
      >
        {shown?.secret}
      </Typography.Paragraph>
    </Modal>
  );
}
