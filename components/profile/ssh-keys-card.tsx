"use client";
import { useRef, useState } from "react";
import { App, Button, Card, Empty, Form, Input, Space, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { TCreateSshKeyRequest } from "@/lib/contracts/ssh";
import { useCreateSshKey, useDeleteSshKey, useSshKeys } from "@/lib/hooks/ssh";
import { isPrivateKey, keyComment } from "@/lib/ssh";
import { CodeBlock } from "../common/code-block";
import { useDangerConfirm } from "../common/confirm";
import { FormDialog } from "../common/form-dialog";
import { LoadError } from "../common/listing";
import { useT } from "../providers/i18n";
import { SshKeyTable } from "./ssh-key-table";

// Profile: my SSH public keys for the jump host. Adding one checks it on the server (type,
// size, not a private key, not someone else's) and the API's reasons land under the field;
// deleting one ends the SSH sessions it opened.

/** The public key first: pasting it names the key after its comment while the name is empty (or still the comment's). */
function KeyFields() {
  const t = useT();
  const form = Form.useFormInstance<TCreateSshKeyRequest>();
  // The name this form filled in itself: replaced when another key is pasted, a typed one never.
  const filled = useRef("");
  return (
    <>
      <Form.Item
        name="publicKey"
        label={t("ssh.publicKey")}
        extra={t("ssh.publicKeyHelp")}
        rules={[
          { required: true, whitespace: true, message: t("auth.required") },
          // Said at once, before anything is sent: the private key should not travel at all.
          { validator: async (_, v?: string) => (isPrivateKey(v ?? "") ? Promise.reject(new Error(t("ssh.privateKey"))) : undefined) },
        ]}
      >
        <Input.TextArea
          autoFocus
          rows={5}
          spellCheck={false}
          autoComplete="off"
          placeholder="ssh-ed25519 AAAA... you@laptop"
          style={{ fontFamily: "monospace", fontSize: 13 }}
          onChange={(e) => {
            const name = String(form.getFieldValue("name") ?? "").trim();
            if (name && name !== filled.current) return;
            filled.current = keyComment(e.target.value).slice(0, 64);
            form.setFieldValue("name", filled.current);
          }}
        />
      </Form.Item>
      <Form.Item
        name="name"
        label={t("ssh.name")}
        extra={t("ssh.nameHelp")}
        rules={[{ required: true, whitespace: true, message: t("auth.required") }, { max: 64 }]}
      >
        <Input maxLength={64} placeholder={t("ssh.namePlaceholder")} />
      </Form.Item>
    </>
  );
}

/** No keys yet: what a key is for and how to make one. */
function NoKeys({ onAdd }: { onAdd: () => void }) {
  const t = useT();
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<Typography.Text strong>{t("ssh.emptyTitle")}</Typography.Text>} data-testid="ssh-keys-empty">
      <Space orientation="vertical" size="small" style={{ maxWidth: 560, width: "100%", textAlign: "start" }}>
        <Typography.Text type="secondary">{t("ssh.emptyUse")}</Typography.Text>
        <Typography.Text type="secondary">{t("ssh.emptyHow")}</Typography.Text>
        <CodeBlock text={"ssh-keygen -t ed25519\ncat ~/.ssh/id_ed25519.pub"} />
        <div style={{ textAlign: "center", marginTop: 8 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={onAdd}>
            {t("ssh.addKey")}
          </Button>
        </div>
      </Space>
    </Empty>
  );
}

export function SshKeysCard() {
  const t = useT();
  const { message } = App.useApp();
  const keys = useSshKeys();
  const create = useCreateSshKey();
  const remove = useDeleteSshKey();
  const confirm = useDangerConfirm();
  const [adding, setAdding] = useState(false);
  const items = keys.data?.items ?? [];

  let body: React.ReactNode;
  if (keys.isError && !keys.data) body = <LoadError onRetry={() => void keys.refetch()} />;
  else if (!keys.isLoading && items.length === 0) body = <NoKeys onAdd={() => setAdding(true)} />;
  else
    body = (
      <SshKeyTable
        items={items}
        loading={keys.isLoading}
        onDelete={(k) =>
          confirm({
            title: t("ssh.deleteTitle", { name: k.name }),
            content: t("ssh.deleteConfirm"),
            onOk: () => remove.mutateAsync(k.id),
            success: t("ssh.keyDeleted"),
          })
        }
      />
    );

  return (
    <Card
      title={t("ssh.keys")}
      data-testid="ssh-keys-card"
      extra={
        items.length > 0 && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t("ssh.addKey")}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t("ssh.keysHelp")}</Typography.Paragraph>
      {body}
      <FormDialog<TCreateSshKeyRequest>
        title={t("ssh.addKey")}
        okText={t("ssh.addKey")}
        open={adding}
        onClose={() => setAdding(false)}
        width={640}
        pending={create.isPending}
        onSubmit={async (v) => {
          const k = await create.mutateAsync({ name: v.name.trim(), publicKey: v.publicKey.trim() });
          void message.success(t("ssh.keyAdded", { name: k.name }));
        }}
      >
        <KeyFields />
      </FormDialog>
    </Card>
  );
}
