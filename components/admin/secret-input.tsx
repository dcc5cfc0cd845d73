"use client";
import { useState } from "react";
import { Button, Input, Space, Tag, Typography } from "antd";
import { useT } from "../providers/i18n";

// A write-only secret in a form. A new node shows a plain input. A stored secret shows
// "Set" with Replace / Clear: the value is undefined (keep), null (clear) or the new string.

type Props = { value?: string | null; onChange?: (v: string | null | undefined) => void; isSet: boolean; multiline?: boolean; id?: string };

export function SecretInput({ value, onChange, isSet, multiline, id }: Props) {
  const t = useT();
  const [mode, setMode] = useState<"keep" | "replace" | "clear">(isSet ? "keep" : "replace");
  const input = multiline ? (
    <Input.TextArea
      id={id}
      rows={4}
      value={value ?? ""}
      onChange={(e) => onChange?.(e.target.value || undefined)}
      autoComplete="off"
      spellCheck={false}
      style={{ fontFamily: "monospace" }}
    />
  ) : (
    <Input.Password id={id} value={value ?? ""} onChange={(e) => onChange?.(e.target.value || undefined)} autoComplete="new-password" />
  );
  if (!isSet) return input;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space>
        {mode === "clear" ? <Tag color="red">{t("nodes.secretNotSet")}</Tag> : <Tag color="green">{t("nodes.secretSet")}</Tag>}
        {mode === "keep" ? (
          <>
            <Button size="small" onClick={() => setMode("replace")}>
              {t("nodes.replace")}
            </Button>
            <Button
              size="small"
              danger
              onClick={() => {
                setMode("clear");
                onChange?.(null);
              }}
            >
              {t("nodes.clear")}
            </Button>
          </>
        ) : (
          <Button
            size="small"
            onClick={() => {
              setMode("keep");
              onChange?.(undefined);
            }}
          >
            {t("common.cancel")}
          </Button>
        )}
      </Space>
      {mode === "replace" && input}
      {mode === "replace" && <Typography.Text type="secondary">{t("nodes.keepSecret")}</Typography.Text>}
    </Space>
  );
}
