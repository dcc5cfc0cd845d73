"use client";
import { Badge, Space, Tooltip, Typography } from "antd";
import type { TInstance, TInstanceStatus } from "@/lib/contracts/instances";
import { useT } from "../providers/i18n";
import { statusReason } from "./status-reason";

// An instance's status as a badge: running green, creating blue (pulsing), stopped grey,
// exited orange, failed red, unknown dark grey. In lists, the reason (why it stopped, failed
// or cannot be reached) in the reader's language on a line under it.

const LOOK: Record<TInstanceStatus, { status?: "success" | "processing" | "default" | "error"; color?: string }> = {
  running: { status: "success" },
  creating: { status: "processing" },
  stopped: { status: "default" },
  exited: { color: "orange" },
  failed: { status: "error" },
  unknown: { color: "gray" },
  deleted: { status: "default" },
};

export function InstanceStatusBadge({ status }: { status: TInstanceStatus }) {
  const t = useT();
  return <Badge {...LOOK[status]} text={t(`instances.status.${status}`)} data-testid="instance-status" />;
}

/** The badge and, when there is one, the reason under it (shortened; whole in a tooltip). */
export function InstanceStatusWithReason({ instance: i }: { instance: Pick<TInstance, "status" | "statusMessage" | "statusRef" | "exitCode"> }) {
  const t = useT();
  // While creating, the message is progress (the page shows it), not a reason.
  const reason = i.status === "creating" || i.status === "running" ? null : statusReason(t, i);
  if (!reason) return <InstanceStatusBadge status={i.status} />;
  const whole = reason.detail ? `${reason.text}: ${reason.detail}` : reason.text;
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: "100%" }}>
      <InstanceStatusBadge status={i.status} />
      <Tooltip title={whole}>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: "block" }} ellipsis data-testid="instance-status-reason">
          {reason.text}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}
