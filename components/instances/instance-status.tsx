"use client";
import { Badge, Tooltip } from "antd";
import type { TInstanceStatus } from "@/lib/contracts/instances";
import { useT } from "../providers/i18n";

// An instance's status as a badge: running green, creating blue (pulsing), stopped grey,
// exited orange, failed red, unknown dark grey. The reason, if any, in a tooltip.

const LOOK: Record<TInstanceStatus, { status?: "success" | "processing" | "default" | "error"; color?: string }> = {
  running: { status: "success" },
  creating: { status: "processing" },
  stopped: { status: "default" },
  exited: { color: "orange" },
  failed: { status: "error" },
  unknown: { color: "gray" },
  deleted: { status: "default" },
};

export function InstanceStatusBadge({ status, message }: { status: TInstanceStatus; message?: string | null }) {
  const t = useT();
  const badge = <Badge {...LOOK[status]} text={t(`instances.status.${status}`)} data-testid="instance-status" />;
  return message ? <Tooltip title={message}>{badge}</Tooltip> : badge;
}
