"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { useRouter } from "next/navigation";
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Empty, Result, Skeleton, Space, Tag, Timeline, Typography } from "antd";
import { DownloadOutlined, RedoOutlined, StopOutlined } from "@ant-design/icons";
import { ApiError } from "@/lib/api/client";
import type { TJobRun, TRunLogs } from "@/lib/contracts/jobs";
import type { Locale } from "@/lib/i18n";
import { useCluster } from "@/lib/hooks/clusters";
import { type RunLogFile, runLogsDownloadUrl, runOver, useCancelRun, useRetryRun, useRun, useRunLogs } from "@/lib/hooks/jobs";
import { formatBytes, formatMoney, formatSeconds, formatTimeSeconds } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { errorText, statusText } from "../common/error-text";
import { LoadError } from "../common/listing";
import { SlurmStateTag } from "../clusters/cluster-status";
import { RunProgress, RunStatusBadge } from "./run-status";
import { usePrefs, useT } from "../providers/i18n";

// One run: its status (and why it waits or how it ended), progress, timeline, cost, where it
// ran, its result or HTTP answer, and its output: followed live while it runs, the kept log
// (with its cap) once it ended, downloadable. Retry an ended run; cancel one not over yet.
// A Slurm run shows its cluster, Slurm job id, state and reason, and its output and error
// files (read through the cluster's login node; without one, where they are).

const LOG_TAIL = 1_000;

/** How long it ran (so far, while it runs). */
export function runDuration(r: Pick<TJobRun, "startedAt" | "finishedAt" | "status">, locale: Locale): string {
  if (!r.startedAt || r.status === "queued") return "—";
  const end = r.finishedAt ? Date.parse(r.finishedAt) : Date.now();
  return formatSeconds((end - Date.parse(r.startedAt)) / 1000, locale);
}

function LogLines({ data }: { data: TRunLogs }) {
  const t = useT();
  if (data.lines.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("runs.logsEmpty")} />;
  return (
    <pre
      data-testid="run-logs"
      style={{
        maxHeight: 480,
        overflow: "auto",
        margin: 0,
        padding: 12,
        borderRadius: 8,
        background: "#0b1021",
        color: "#e6e6e6",
        fontSize: 12,
        whiteSpace: "pre-wrap",
        wordBreak: "break-all",
      }}
    >
      {data.lines.map((l, i) => (
        // Output lines have no identity of their own; their place is it.
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are shown in order and replaced as a whole
        <div key={i} style={l.stream === "stderr" ? { color: "#ff9c9c" } : undefined}>
          {l.text || " "}
        </div>
      ))}
    </pre>
  );
}

/** Where a Slurm run's files are on the cluster (shown when the console cannot read them). */
function SlurmFilePaths({ run, reason }: { run: TJobRun; reason?: string }) {
  const t = useT();
  const path = (p: string | null | undefined) =>
    p ? (
      <Typography.Text code copyable>
        {p}
      </Typography.Text>
    ) : (
      <Typography.Text type="secondary">{t("runs.notWritten")}</Typography.Text>
    );
  return (
    <Alert
      type="info"
      showIcon
      data-testid="slurm-file-paths"
      title={reason ?? t("runs.noLoginNode")}
      description={
        <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
          <Descriptions.Item label={t("runs.outputFile")}>{path(run.slurm?.stdoutPath)}</Descriptions.Item>
          <Descriptions.Item label={t("runs.errorFile")}>{path(run.slurm?.stderrPath)}</Descriptions.Item>
        </Descriptions>
      }
    />
  );
}

/** One of a Slurm run's files, followed while the run is not over. */
function SlurmLogPane({ run, file }: { run: TJobRun; file: RunLogFile }) {
  const t = useT();
  const live = !runOver(run);
  const logs = useRunLogs(run.id, LOG_TAIL, live, !live, file);
  const data = logs.data;
  const path = file === "error" ? run.slurm?.stderrPath : run.slurm?.stdoutPath;
  // 422: the file cannot be read through the console (no login node, or refused there): where it is.
  if (logs.error instanceof ApiError && logs.error.status === 422) return <SlurmFilePaths run={run} reason={logs.error.message} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {path && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`slurm-path-${file}`}>
          {t("runs.filePath", { path })}
        </Typography.Text>
      )}
      {data && data.logBytes > data.capBytes && (
        <Typography.Text type="secondary" data-testid="log-kept">
          {t("runs.logsKept", { size: formatBytes(data.capBytes), total: formatBytes(data.logBytes), cap: formatBytes(data.capBytes) })}
        </Typography.Text>
      )}
      {logs.isError && !data ? (
        <Alert type="warning" showIcon title={errorText(t, logs.error)} description={logs.error instanceof ApiError ? logs.error.message : undefined} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <LogLines data={data} />
      )}
    </Space>
  );
}

/** A Slurm run's output and error files, as two tabs, each downloadable. */
function SlurmLogs({ run }: { run: TJobRun }) {
  const t = useT();
  const [file, setFile] = useState<RunLogFile>("output");
  const cluster = useCluster(run.slurm!.clusterId);
  const live = !runOver(run);
  if (cluster.data && !cluster.data.hasLoginNode) {
    return (
      <Card title={t("runs.logs")}>
        <SlurmFilePaths run={run} />
      </Card>
    );
  }
  return (
    <Card
      data-testid="slurm-logs"
      activeTabKey={file}
      onTabChange={(k) => setFile(k as RunLogFile)}
      tabList={[
        { key: "output", label: t("runs.output") },
        { key: "error", label: t("runs.errors") },
      ]}
      tabProps={{ size: "middle" }}
      tabBarExtraContent={
        <Space>
          {live && <Tag color="processing">{t("runs.logsLive")}</Tag>}
          <a href={runLogsDownloadUrl(run.id, file)} download>
            <Button size="small" icon={<DownloadOutlined />}>
              {t("runs.download")}
            </Button>
          </a>
        </Space>
      }
    >
      <SlurmLogPane key={file} run={run} file={file} />
    </Card>
  );
}

function RunLogs({ run }: { run: TJobRun }) {
  const t = useT();
  const live = !runOver(run);
  // Read again once the run is over: the kept log has the last lines the live reading may have missed.
  const logs = useRunLogs(run.id, LOG_TAIL, live, !live);
  const data = logs.data;
  return (
    <Card
      title={
        <Space>
          <span>{t("runs.logs")}</span>
          {data?.live && <Tag color="processing">{t("runs.logsLive")}</Tag>}
        </Space>
      }
      extra={
        <a href={runLogsDownloadUrl(run.id)} download>
          <Button size="small" icon={<DownloadOutlined />}>
            {t("runs.download")}
          </Button>
        </a>
      }
    >
      {data && !data.live && data.logBytes > 0 && (
        <Typography.Paragraph type="secondary" data-testid="log-kept">
          {t("runs.logsKept", {
            size: formatBytes(Math.min(data.logBytes, data.capBytes)),
            total: formatBytes(data.logBytes),
            cap: formatBytes(data.capBytes),
          })}
        </Typography.Paragraph>
      )}
      {logs.isError && !data ? <Alert type="warning" showIcon title={errorText(t, logs.error)} /> : !data ? <Skeleton active /> : <LogLines data={data} />}
    </Card>
  );
}

function RunTimeline({ run }: { run: TJobRun }) {
  const t = useT();
  const ended = runOver(run);
  const color = run.status === "succeeded" ? "green" : ["failed", "timed_out", "lost"].includes(run.status) ? "red" : "gray";
  const items = [
    { color: "blue", content: `${t("runs.queuedAt")} ${formatTimeSeconds(run.queuedAt)}` },
    ...(run.startedAt && run.status !== "queued" ? [{ color: "blue", content: `${t("runs.startedAt")} ${formatTimeSeconds(run.startedAt)}` }] : []),
    ...(ended
      ? [{ color, content: `${t(`runs.status.${run.status}`)} ${formatTimeSeconds(run.finishedAt)}` }]
      : [{ color: "gray", loading: true, content: run.cancelRequested ? t("runs.stopping") : t(`runs.status.${run.status}`) }]),
  ];
  return <Timeline items={items} data-testid="run-timeline" />;
}

export function RunDetail({ id }: { id: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const router = useRouter();
  const { message } = App.useApp();
  const run = useRun(id);
  const slurmCluster = useCluster(run.data?.slurm?.clusterId ?? null);
  const cancel = useCancelRun();
  const retry = useRetryRun();
  const confirm = useDangerConfirm();
  if (run.isError && run.error instanceof ApiError && run.error.status === 404) {
    return <Result status="404" title={t("notFound.title")} subTitle={t("notFound.body")} extra={<Link href="/jobs">{t("jobs.title")}</Link>} />;
  }
  if (run.isError) return <LoadError onRetry={() => void run.refetch()} />;
  if (!run.data) return <Skeleton active />;
  const r = run.data;
  const over = runOver(r);
  const waiting = r.status === "queued";
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Breadcrumb
        items={[
          { title: <Link href="/jobs">{t("jobs.title")}</Link> },
          { title: <Link href={`/jobs/${r.jobId}`}>{r.jobName}</Link> },
          { title: t("runs.attemptOf", { attempt: r.attempt }) },
        ]}
      />
      <Card
        title={
          <Space wrap>
            <span>
              {r.jobName} · {t("runs.attemptOf", { attempt: r.attempt })}
            </span>
            <RunStatusBadge status={r.status} stopping={r.cancelRequested} />
          </Space>
        }
        extra={
          <Space wrap>
            {!over && !r.cancelRequested && (
              <Button
                danger
                icon={<StopOutlined />}
                onClick={() =>
                  confirm({
                    title: r.jobName,
                    content: t("runs.cancelConfirm"),
                    okText: t("runs.cancelRun"),
                    cancelText: t("runs.keepRunning"),
                    success: t("runs.cancelled"),
                    onOk: () => cancel.mutateAsync(r.id),
                  })
                }
              >
                {t("runs.cancel")}
              </Button>
            )}
            {over && r.status !== "succeeded" && (
              <Button
                icon={<RedoOutlined />}
                loading={retry.isPending}
                onClick={() =>
                  void retry
                    .mutateAsync(r.id)
                    .then((next) => {
                      void message.success(t("runs.retried"));
                      router.push(`/runs/${next.id}`);
                    })
                    .catch((err: unknown) => void message.error(errorText(t, err)))
                }
              >
                {t("runs.retry")}
              </Button>
            )}
          </Space>
        }
      >
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {((r.statusMessage && r.status !== "succeeded") || (r.status === "queued" && !!r.runsAhead)) && (
            <Alert
              type={waiting ? "info" : ["failed", "timed_out", "lost"].includes(r.status) ? "error" : "warning"}
              showIcon
              title={waiting ? t("runs.waiting") : r.cancelRequested && !over ? t("runs.stopping") : t(`runs.status.${r.status}`)}
              description={[
                statusText(locale, r.statusRef, r.statusMessage),
                r.status === "queued" && r.runsAhead ? t("runs.runsAhead", { count: r.runsAhead }) : null,
              ]
                .filter(Boolean)
                .join(" · ")}
              data-testid="run-message"
            />
          )}
          <RunProgress run={r} />
          <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
            <Descriptions.Item label={t("runs.trigger")}>{t(`runs.triggers.${r.trigger}`)}</Descriptions.Item>
            <Descriptions.Item label={t("runs.duration")}>{runDuration(r, locale)}</Descriptions.Item>
            <Descriptions.Item label={t("runs.cost")}>
              <span data-testid="run-cost">{formatMoney(r.costCents, locale)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("runs.exitCode")}>{r.exitCode ?? "—"}</Descriptions.Item>
            {r.firstRunId && (
              <Descriptions.Item label={t("runs.firstAttempt")}>
                <Link href={`/runs/${r.firstRunId}`}>{t("runs.attemptOf", { attempt: 1 })}</Link>
              </Descriptions.Item>
            )}
            {/* A Slurm run: its cluster, Slurm's job id, and Slurm's own state and reason. */}
            {r.slurm && (
              <Descriptions.Item label={t("runs.cluster")}>
                <Link href={`/clusters/${r.slurm.clusterId}`}>{slurmCluster.data?.name ?? r.slurm.clusterId}</Link>
              </Descriptions.Item>
            )}
            {r.slurm && (
              <Descriptions.Item label={t("runs.slurmJob")}>
                <span data-testid="slurm-job-id">{r.slurm.jobId ?? "—"}</span>
                {r.slurm.user && <Typography.Text type="secondary">{` · ${t("runs.slurmAs", { user: r.slurm.user })}`}</Typography.Text>}
              </Descriptions.Item>
            )}
            {r.slurm?.nodes && <Descriptions.Item label={t("runs.slurmNodes")}>{r.slurm.nodes}</Descriptions.Item>}
            {r.slurm && (
              <Descriptions.Item label={t("runs.slurmState")}>
                <Space size={4} wrap>
                  <SlurmStateTag state={r.slurm.state} />
                  {r.slurm.reason && <Typography.Text type="secondary">{r.slurm.reason}</Typography.Text>}
                </Space>
              </Descriptions.Item>
            )}
            {r.httpStatus !== null && (
              <Descriptions.Item label={t("runs.response")}>
                HTTP {r.httpStatus} · {t("runs.latency")} {r.latencyMs} ms
              </Descriptions.Item>
            )}
          </Descriptions>
          <RunTimeline run={r} />
          {r.result !== null && (
            <div>
              <Typography.Title level={5}>{t("runs.result")}</Typography.Title>
              <pre data-testid="run-result" style={{ margin: 0, padding: 12, borderRadius: 8, background: "rgba(127,127,127,0.1)", overflow: "auto" }}>
                {JSON.stringify(r.result, null, 2)}
              </pre>
            </div>
          )}
          {r.responseBody !== null && (
            <div>
              <Typography.Title level={5}>{t("runs.response")}</Typography.Title>
              {r.responseHeaders && (
                <pre style={{ margin: "0 0 8px", fontSize: 12, overflow: "auto" }}>
                  {Object.entries(r.responseHeaders)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join("\n")}
                </pre>
              )}
              <pre
                data-testid="run-response"
                style={{
                  margin: 0,
                  padding: 12,
                  borderRadius: 8,
                  background: "rgba(127,127,127,0.1)",
                  maxHeight: 320,
                  overflow: "auto",
                  whiteSpace: "pre-wrap",
                }}
              >
                {r.responseBody}
              </pre>
            </div>
          )}
        </Space>
      </Card>
      {r.slurm ? <SlurmLogs run={r} /> : r.httpStatus === null && <RunLogs run={r} />}
    </Space>
  );
}
