"use client";
import { Badge, Tooltip } from "antd";
import { useT } from "../providers/i18n";

const COLORS = { online: "success", offline: "error", unknown: "default" } as const;

/** A node's status as a badge; the reason (e.g. Docker's error) in a tooltip. */
export function NodeStatusTag({ status, message }: { status: string; message?: string | null }) {
  const t = useT();
  const s = (status in COLORS ? status : "unknown") as keyof typeof COLORS;
  const badge = <Badge status={COLORS[s]} text={t(`nodes.${s}`)} />;
  return message ? <Tooltip title={message}>{badge}</Tooltip> : badge;
}
