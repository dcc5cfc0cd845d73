"use client";
import { Badge, Tooltip } from "antd";
import { useT } from "../providers/i18n";

const COLORS = { online: "success", offline: "error", unknown: "default" } as const;

/** Whether a node has nothing to offer: no instance fits without CPU cores or memory. */
export const hasNoCapacity = (n: { cpuCores: number; memoryGb: number }) => n.cpuCores === 0 || n.memoryGb === 0;

/**
 * A node's status as a badge; the reason (e.g. Docker's error) in a tooltip. An online node
 * without capacity is shown as a warning, not as healthy.
 */
export function NodeStatusTag({ status, message, noCapacity = false }: { status: string; message?: string | null; noCapacity?: boolean }) {
  const t = useT();
  const s = (status in COLORS ? status : "unknown") as keyof typeof COLORS;
  const badge =
    noCapacity && s === "online" ? (
      <Badge status="warning" text={`${t("nodes.online")} · ${t("nodes.noCapacity")}`} />
    ) : (
      <Badge status={COLORS[s]} text={t(`nodes.${s}`)} />
    );
  const tip = [message, noCapacity ? t("nodes.noCapacityHelp") : null].filter(Boolean).join(" ");
  return tip ? <Tooltip title={tip}>{badge}</Tooltip> : badge;
}
