"use client";
import { Button, Space, Table, Typography, type TableProps } from "antd";
import type { TSshKey } from "@/lib/contracts/ssh";
import { formatTime } from "@/lib/format";
import { keyTypeLabel } from "@/lib/ssh";
import { useFittedColumns, type FitColumn } from "../common/listing";
import { useT } from "../providers/i18n";

// SSH keys as a table: the user's own (with delete) in Profile, and read-only for
// administrators looking at a user. The fingerprint is what `ssh-keygen -l` prints.

type Props = {
  items: TSshKey[];
  loading?: boolean;
  /** Given: each row has a delete button. */
  onDelete?: (key: TSshKey) => void;
  emptyText?: React.ReactNode;
};

export function SshKeyTable({ items, loading, onDelete, emptyText }: Props) {
  const t = useT();
  const columns: FitColumn<TSshKey>[] = [
    {
      title: t("ssh.name"),
      dataIndex: "name",
      width: 160,
      render: (name: string, k) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{name}</Typography.Text>
          {k.comment && k.comment !== name && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: k.comment }} style={{ maxWidth: 150, fontSize: 12 }}>
              {k.comment}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t("ssh.algorithm"),
      dataIndex: "algorithm",
      width: 140,
      render: (a: string, k) => (
        <span style={{ whiteSpace: "nowrap" }} title={a}>
          {keyTypeLabel(a)} <Typography.Text type="secondary">· {t("ssh.bits", { bits: k.bits })}</Typography.Text>
        </span>
      ),
    },
    {
      title: t("ssh.fingerprint"),
      dataIndex: "fingerprint",
      width: 410,
      render: (f: string) => (
        <Typography.Text
          copyable={{ text: f, tooltips: [t("common.copy"), t("common.copied")] }}
          data-testid="ssh-key-fingerprint"
          style={{ fontFamily: "monospace", fontSize: 12, overflowWrap: "anywhere" }}
        >
          {f}
        </Typography.Text>
      ),
    },
    { title: t("ssh.added"), dataIndex: "createdAt", width: 150, from: "lg", render: formatTime },
    { title: t("ssh.lastUsed"), dataIndex: "lastUsedAt", width: 130, from: "xl", render: (v: string | null) => (v ? formatTime(v) : t("common.never")) },
  ];
  if (onDelete) {
    columns.push({
      title: t("common.actions"),
      width: 80,
      actions: true,
      render: (_, k) => (
        <Button danger size="small" onClick={() => onDelete(k)}>
          {t("common.delete")}
        </Button>
      ),
    });
  }
  const table = useFittedColumns<TSshKey>(columns);
  const props: TableProps<TSshKey> = { rowKey: "id", loading, dataSource: items, pagination: false, locale: emptyText ? { emptyText } : undefined, ...table };
  return <Table<TSshKey> {...props} />;
}
