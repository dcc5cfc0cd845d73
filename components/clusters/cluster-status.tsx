"use client";
import Link from "@/components/common/link";
import { Badge, Space, Tag, Tooltip, Typography } from "antd";
import type { TCluster, TClusterStatus } from "@/lib/contracts/clusters";
import { byteScale, formatBytes, formatDuration, formatMoney } from "@/lib/format";
import type { Locale } from "@/lib/i18n";
import { statusText } from "../common/error-text";
import type { FitColumn } from "../common/listing";
import { type T, useT } from "../providers/i18n";

// How clusters and Slurm's own states look everywhere: a cluster's health as a badge (the
// reason in a tooltip), a Slurm job or node state as a coloured tag with its flags, and a
// partition's prices.

const CLUSTER_LOOK = { healthy: "success", degraded: "warning", unreachable: "error", unknown: "default" } as const;

export function ClusterStatusTag({ status, message }: { status: string; message?: string | null }) {
  const t = useT();
  const s = (status in CLUSTER_LOOK ? status : "unknown") as TClusterStatus;
  const badge = <Badge status={CLUSTER_LOOK[s]} text={t(`clusters.statuses.${s}`)} data-testid="cluster-status" />;
  return message ? <Tooltip title={message}>{badge}</Tooltip> : badge;
}

/** The status with its message under it (shortened; whole in a tooltip), for tables. */
export function ClusterStatusWithMessage({ status, message }: { status: string; message?: string | null }) {
  if (!message || status === "healthy") return <ClusterStatusTag status={status} message={message} />;
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: "100%" }}>
      <ClusterStatusTag status={status} />
      <Tooltip title={message}>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: "block", maxWidth: 280 }} ellipsis data-testid="cluster-message">
          {message}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}

/** Slurm job states (upper case) and node states (any case) → a tag colour. */
const STATE_COLOR: Record<string, string> = {
  PENDING: "blue",
  CONFIGURING: "blue",
  RUNNING: "processing",
  COMPLETING: "processing",
  SUSPENDED: "orange",
  COMPLETED: "green",
  CANCELLED: "default",
  FAILED: "red",
  NODE_FAIL: "red",
  BOOT_FAIL: "red",
  OUT_OF_MEMORY: "red",
  TIMEOUT: "red",
  DEADLINE: "red",
  PREEMPTED: "orange",
  // Nodes
  IDLE: "green",
  MIXED: "cyan",
  ALLOCATED: "processing",
  ALLOC: "processing",
  DOWN: "red",
  DRAIN: "orange",
  DRAINED: "orange",
  DRAINING: "orange",
  FAIL: "red",
  FUTURE: "default",
  UNKNOWN: "default",
  NOT_RESPONDING: "red",
  MAINTENANCE: "orange",
  RESERVED: "purple",
};

/** A Slurm state as Slurm names it, with its flags (DRAIN, COMPLETING …) as smaller tags. */
export function SlurmStateTag({ state, flags = [] }: { state: string | null | undefined; flags?: string[] }) {
  if (!state) return <span>—</span>;
  const upper = state.toUpperCase();
  return (
    <Space size={2} wrap>
      <Tag color={STATE_COLOR[upper] ?? "default"} style={{ marginInlineEnd: 0 }} data-testid="slurm-state">
        {upper}
      </Tag>
      {flags.map((f) => (
        <Tag key={f} color={STATE_COLOR[f] ?? "default"} bordered={false} style={{ marginInlineEnd: 0, fontSize: 11 }}>
          {f}
        </Tag>
      ))}
    </Space>
  );
}

/** "¥0.10 / CPU-hour · ¥2.00 / GPU-hour", or "Free". */
export function PriceText({ price, locale }: { price: { cpuHourCents: number; gpuHourCents: number } | null | undefined; locale: Locale }) {
  const t = useT();
  if (!price || (price.cpuHourCents === 0 && price.gpuHourCents === 0)) return <Typography.Text type="secondary">{t("clusters.free")}</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      <span>{t("clusters.perCpuHour", { price: formatMoney(price.cpuHourCents, locale) })}</span>
      {price.gpuHourCents > 0 && <span>{t("clusters.perGpuHour", { price: formatMoney(price.gpuHourCents, locale) })}</span>}
    </Space>
  );
}

/** Megabytes as people read them (1.5 GB, 512 MB). */
export const formatMb = (mb: number | null | undefined) => (mb === null || mb === undefined ? "—" : formatBytes(mb * 2 ** 20));

/** Used of total megabytes in the total's unit: "3.5 / 24 GB". */
export function formatMbPair(allocated: number, total: number): string {
  const { divisor, label } = byteScale(Math.max(total, allocated) * 2 ** 20);
  const n = (mb: number) => {
    const v = (mb * 2 ** 20) / divisor;
    return Number.isInteger(v) || v >= 10 ? v.toFixed(0) : v.toFixed(1);
  };
  return `${n(allocated)} / ${n(total)} ${label}`;
}

/** Minutes as a time limit (90 → 1 h 30 min; null → unlimited). */
export function formatMinutes(min: number | null | undefined, t: T, locale: Locale): string {
  return min === null || min === undefined ? t("clusters.unlimited") : formatDuration(min * 60, locale);
}

/** The columns every list of clusters starts with: the name (to its page), its health, Slurm's release and API version. */
export function clusterColumns(t: T): FitColumn<TCluster>[] {
  return [
    {
      title: t("clusters.name"),
      dataIndex: "name",
      width: 170,
      render: (name: string, c) => (
        <Link href={`/clusters/${c.id}`}>
          <Typography.Text strong style={{ color: "inherit" }}>
            {name}
          </Typography.Text>
        </Link>
      ),
    },
    {
      title: t("clusters.status"),
      width: 220,
      render: (_, c) => <ClusterStatusWithMessage status={c.status} message={statusText(t.locale ?? "en-US", c.statusRef, c.statusMessage)} />,
    },
    {
      title: t("clusters.version"),
      width: 150,
      from: "md",
      render: (_, c) => (
        <Space orientation="vertical" size={0}>
          <span>{c.release ? `Slurm ${c.release}` : "—"}</span>
          {c.apiVersion && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.apiVersion}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];
}
