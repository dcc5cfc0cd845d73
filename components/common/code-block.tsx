"use client";
import { App, theme, Typography } from "antd";
import { useT } from "../providers/i18n";

/** Text to paste into a terminal or a file (a command, a config stanza), in monospace, with a copy button. */
export function CodeBlock({ text, testId }: { text: string; testId?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  return (
    <div
      style={{
        display: "flex",
        alignItems: "flex-start",
        gap: 8,
        padding: "8px 8px 8px 12px",
        background: token.colorFillQuaternary,
        border: `1px solid ${token.colorBorderSecondary}`,
        borderRadius: token.borderRadius,
      }}
    >
      <pre
        data-testid={testId}
        style={{
          flex: 1,
          minWidth: 0,
          margin: 0,
          fontFamily: token.fontFamilyCode,
          fontSize: 13,
          lineHeight: 1.6,
          whiteSpace: "pre-wrap",
          overflowWrap: "anywhere",
          color: token.colorText,
        }}
      >
        {text}
      </pre>
      <Typography.Text
        copyable={{ text, tooltips: [t("common.copy"), t("common.copied")], onCopy: () => void message.success(t("common.copied")) }}
        style={{ lineHeight: 1.6 }}
      />
    </div>
  );
}
