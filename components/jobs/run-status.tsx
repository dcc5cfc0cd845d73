"use client";
import { Badge, Progress, Space, Tooltip, Typography } from "antd";
import type { TJob, TJobRun, TRunStatus } from "@/lib/contracts/jobs";
import { describeCron } from "@/lib/schedule-words";
import { formatTime } from "@/lib/format";
import { statusText } from "../common/error-text";
import { usePrefs, useT } from "../providers/i18n";

// A run's status as a badge (queued blue, running pulsing, succeeded green, failed and
// timed out red, cancelled grey, lost orange), its progress bar, and a job's schedule in words.

const LOOK: Record<TRunStatus, { status?: "success" | "processing" | "default" | "error" | "warning"; color?: string }> = {
  queued: { color: "blue" },
  starting: { status: "processing" },
  running: { status: "processing" },
  succeeded: { status: "success" },
  failed: { status: "error" },
  timed_out: { status: "error" },
  cancelled: { status: "default" },
  lost: { status: "warning" },
};

/** `stopping`: a cancel was asked and the run is not over yet. */
export function RunStatusBadge({ status, stopping }: { status: TRunStatus; stopping?: boolean }) {
  const t = useT();
  if (stopping && (status === "starting" || status === "running")) return <Badge status="warning" text={t("runs.stopping")} data-testid="run-status" />;
  return <Badge {...LOOK[status]} text={t(`runs.status.${status}`)} data-testid="run-status" />;
}

/** The badge, with why it waits or how it ended under it (shortened; whole in a tooltip). */
export function RunStatusWithReason({ run }: { run: Pick<TJobRun, "status" | "statusMessage" | "statusRef"> }) {
  const { locale } = usePrefs();
  if (!run.statusMessage || run.status === "succeeded" || run.status === "running") return <RunStatusBadge status={run.status} />;
  const reason = statusText(locale, run.statusRef, run.statusMessage);
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: "100%" }}>
      <RunStatusBadge status={run.status} />
      <Tooltip title={reason}>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: "block", maxWidth: 260 }} ellipsis data-testid="run-reason">
          {reason}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}

export function RunProgress({ run, size }: { run: Pick<TJobRun, "status" | "progress">; size?: "small" }) {
  if (run.progress === null) return null;
  const status =
    run.status === "succeeded"
      ? "success"
      : ["failed", "timed_out", "lost"].includes(run.status)
        ? "exception"
        : run.status === "running"
          ? "active"
          : "normal";
  return <Progress percent={run.progress} status={status} size={size} format={(p) => `${p}%`} data-testid="run-progress" />;
}

/** When a job runs, in words: its schedule read out (with the expression), a time, or "by hand". */
export function ScheduleText({ job }: { job: Pick<TJob, "trigger" | "cron" | "timezone" | "runAt"> }) {
  const t = useT();
  const { locale } = usePrefs();
  if (job.trigger === "cron" && job.cron) {
    return (
      <Space orientation="vertical" size={0}>
        <span data-testid="schedule-words">{describeCron(job.cron, locale) ?? job.cron}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <code>{job.cron}</code> · {job.timezone}
        </Typography.Text>
      </Space>
    );
  }
  if (job.trigger === "once") return <span>{job.runAt ? formatTime(job.runAt) : t("jobs.manual")}</span>;
  return <span>{t("jobs.manual")}</span>;
}
