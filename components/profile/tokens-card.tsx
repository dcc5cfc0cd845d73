"use client";
import { useState } from "react";
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { KeyOutlined, PlusOutlined } from "@ant-design/icons";
import type { TApiToken } from "@/lib/contracts/tokens";
import { useCreateToken, useRevokeToken, useTokens } from "@/lib/hooks/users";
import { formatTime } from "@/lib/format";
import { errorText } from "../common/error-text";
import { FormDialog } from "../common/form-dialog";
import { useFittedColumns } from "../common/listing";
import { NumberField } from "../common/number-field";
import { useT } from "../providers/i18n";

function tokenState(tk: TApiToken): "revoked" | "expired" | "active" {
  if (tk.revokedAt) return "revoked";
  if (tk.expiresAt && new Date(tk.expiresAt) <= new Date()) return "expired";
  return "active";
}

export function TokensCard() {
  const t = useT();
  const { modal, message } = App.useApp();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  function confirmRevoke(tk: TApiToken) {
    modal.confirm({
      title: t("profile.revoke"),
      content: t("profile.revokeConfirm", { name: tk.name }),
      okText: t("profile.revoke"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: () => revoke.mutateAsync(tk.id).catch((err: unknown) => void message.error(errorText(t, err))),
    });
  }

  const table = useFittedColumns<TApiToken>([
    { title: t("profile.tokenName"), dataIndex: "name", width: 160 },
    { title: t("profile.prefix"), dataIndex: "prefix", width: 130, from: "sm", render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
    {
      title: t("common.status"),
      width: 100,
      render: (_, tk) => {
        const s = tokenState(tk);
        return <Tag color={s === "active" ? "green" : "default"}>{t(`profile.${s}`)}</Tag>;
      },
    },
    { title: t("common.createdAt"), dataIndex: "createdAt", width: 150, from: "lg", render: formatTime },
    { title: t("profile.lastUsed"), dataIndex: "lastUsedAt", width: 150, from: "md", render: (v: string | null) => (v ? formatTime(v) : t("common.never")) },
    { title: t("profile.expires"), dataIndex: "expiresAt", width: 150, from: "md", render: (v: string | null) => (v ? formatTime(v) : t("common.never")) },
    {
      title: t("common.actions"),
      width: 100,
      actions: true,
      render: (_, tk) =>
        tokenState(tk) === "active" && (
          <Button danger size="small" onClick={() => confirmRevoke(tk)}>
            {t("profile.revoke")}
          </Button>
        ),
    },
  ]);

  return (
    <Card
      title={t("profile.tokens")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("profile.newToken")}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t("profile.tokensHelp")}</Typography.Paragraph>
      <Table<TApiToken>
        rowKey="id"
        loading={tokens.isLoading}
        dataSource={tokens.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("profile.noTokens")} /> }}
        {...table}
      />
      <FormDialog<{ name: string; expiresInDays?: number | null }>
        title={t("profile.newToken")}
        open={creating}
        onClose={() => setCreating(false)}
        onSubmit={async (v) => setSecret((await create.mutateAsync({ name: v.name, expiresInDays: v.expiresInDays ?? null })).token)}
        pending={create.isPending}
      >
        <Form.Item name="name" label={t("profile.tokenName")} rules={[{ required: true, message: t("auth.required") }, { max: 64 }]}>
          <Input maxLength={64} autoFocus placeholder="ci-deploy" />
        </Form.Item>
        <NumberField name="expiresInDays" label={t("profile.expiresInDays")} extra={t("profile.expiresNever")} integer min={1} max={3650} />
      </FormDialog>
      <Modal
        title={
          <Space>
            <KeyOutlined />
            {t("profile.tokenCreatedTitle")}
          </Space>
        }
        open={secret !== null}
        onCancel={() => setSecret(null)}
        footer={<Button onClick={() => setSecret(null)}>{t("common.close")}</Button>}
        mask={{ closable: false }}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t("profile.tokenCreatedBody")} style={{ marginBottom: 16 }} />
        <Typography.Paragraph
          code
          copyable={{ text: secret ?? "", onCopy: () => void message.success(t("common.copied")) }}
          data-testid="new-token"
          style={{ wordBreak: "break-all" }}
        >
          {secret}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
