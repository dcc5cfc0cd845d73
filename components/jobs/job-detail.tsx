"use client";
import Link from "@/components/common/link";
import { useRouter } from "next/navigation";
import { Breadcrumb, Button, Card, Descriptions, Grid, Result, Select, Skeleton, Space, Table, Tag, Typography } from "antd";
import { DeleteOutlined, EditOutlined, StopOutlined } from "@ant-design/icons";
import { ApiError } from "@/lib/api/client";
import { RUN_STATUSES, type TJob, type TJobRun } from "@/lib/contracts/jobs";
import { useCluster } from "@/lib/hooks/clusters";
import { useDeleteJob, useDisableJob, useJob, useRuns } from "@/lib/hooks/jobs";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatMoney, formatSeconds, formatTime, formatTimeSeconds } from "@/lib/format";
import { useDangerConfirm } from "../common/confirm";
import { fitColumns, LoadError, tablePagination, Toolbar } from "../common/listing";
import { ClusterStatusTag, formatMb, SlurmStateTag } from "../clusters/cluster-status";
import { JobControls } from "./jobs-page";
import { RunProgress, RunStatusWithReason, ScheduleText } from "./run-status";
import { runDuration } from "./run-detail";
import { usePrefs, useT } from "../providers/i18n";

// One job: its controls (run now, pause or resume, disable, edit, delete after confirming),
// what it runs and when, and its runs (newest first, filtered by status in the URL), each
// linking to the run's page. A Slurm job shows its cluster, partition and resources, and its
// runs their Slurm job ids and states.

/** A Slurm job: its cluster (linked, with its health), partition and what it asks for, then the script. */
function SlurmTarget({ job }: { job: TJob }) {
  const t = useT();
  const s = job.slurm!;
  const cluster = useCluster(s.clusterId);
  const asks = [
    s.nodes ? `${t("jobs.slurmNodes")}: ${s.nodes}` : null,
    s.tasks ? `${t("jobs.slurmTasks")}: ${s.tasks}` : null,
    s.cpusPerTask ? `${t("jobs.cpusPerTask")}: ${s.cpusPerTask}` : null,
    s.memoryMb ? `${t("jobs.memoryShort")}: ${formatMb(s.memoryMb)}` : null,
    s.gpus ? `${t("jobs.gpus")}: ${s.gpus}` : null,
  ].filter(Boolean);
  return (
    <Space orientation="vertical" size={4} style={{ maxWidth: "100%" }}>
      <Space wrap size={[8, 0]} data-testid="slurm-target">
        <Link href={`/clusters/${s.clusterId}`}>{cluster.data?.name ?? s.clusterId}</Link>
        {cluster.data && <ClusterStatusTag status={cluster.data.status} message={cluster.data.statusMessage} />}
        <Tag>{s.partition ?? `${t("jobs.partition")}: ${t("jobs.partitionDefault")}`}</Tag>
        {asks.length > 0 && <Typography.Text type="secondary">{asks.join(" · ")}</Typography.Text>}
        {s.workdir && <Typography.Text code>{s.workdir}</Typography.Text>}
      </Space>
      <Typography.Paragraph code ellipsis={{ rows: 3, expandable: true }} style={{ marginBottom: 0, whiteSpace: "pre-wrap" }}>
        {s.script}
      </Typography.Paragraph>
      <Typography.Text type="secondary">{t("jobs.executors.slurm")}</Typography.Text>
    </Space>
  );
}

function WhatItRuns({ job }: { job: TJob }) {
  const t = useT();
  if (job.slurm) return <SlurmTarget job={job} />;
  if (job.http) {
    return (
      <Typography.Text code>
        {job.http.method} {job.http.url}
      </Typography.Text>
    );
  }
  const text = job.container?.command ?? `python3 /job/main.py ${(job.python?.args ?? []).join(" ")}`;
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: "100%" }}>
      <Typography.Paragraph code ellipsis={{ rows: 3, expandable: true }} style={{ marginBottom: 0, whiteSpace: "pre-wrap" }}>
        {text}
      </Typography.Paragraph>
      <Typography.Text type="secondary">{t(`jobs.executors.${job.executor}`)}</Typography.Text>
    </Space>
  );
}

export function RunsTable({ jobId, isSlurm = false }: { jobId: string; isSlurm?: boolean }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const [query, setQuery] = useUrlState({ page: 1, pageSize: 20, status: undefined as string | undefined });
  const status = RUN_STATUSES.find((s) => s === query.status);
  const runs = useRuns({ page: query.page, pageSize: query.pageSize, jobId, status });
  if (runs.isError && !runs.data) return <LoadError onRetry={() => void runs.refetch()} />;
  return (
    <Card title={t("jobs.runs")}>
      <Toolbar>
        <Select<string>
          aria-label={t("common.status")}
          style={{ width: 170 }}
          value={status ?? ""}
          onChange={(s) => setQuery((q) => ({ ...q, page: 1, status: s || undefined }))}
          options={[
            { value: "", label: `${t("common.status")}: ${t("common.all")}` },
            ...RUN_STATUSES.map((s) => ({ value: s, label: t(`runs.status.${s}`) })),
          ]}
        />
      </Toolbar>
      <Table<TJobRun>
        rowKey="id"
        loading={runs.isLoading}
        dataSource={runs.data?.items ?? []}
        locale={{ emptyText: t("jobs.noRuns") }}
        pagination={tablePagination(t, query, runs.data?.total, (page, pageSize) => setQuery((q) => ({ ...q, page, pageSize })))}
        {...fitColumns<TJobRun>(screens, [
          {
            title: t("runs.queuedAt"),
            dataIndex: "queuedAt",
            width: 160,
            render: (v: string, r) => (
              <Space orientation="vertical" size={0}>
                <Link href={`/runs/${r.id}`}>{formatTimeSeconds(v)}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`runs.triggers.${r.trigger}`)} · {t("runs.attemptOf", { attempt: r.attempt })}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t("common.status"), width: 200, render: (_, r) => <RunStatusWithReason run={r} /> },
          ...(isSlurm
            ? [
                {
                  title: t("runs.slurmJob"),
                  width: 150,
                  from: "md" as const,
                  render: (_: unknown, r: TJobRun) =>
                    r.slurm?.jobId ? (
                      <Space size={4} wrap>
                        <span>{r.slurm.jobId}</span>
                        <SlurmStateTag state={r.slurm.state} />
                      </Space>
                    ) : (
                      "—"
                    ),
                },
              ]
            : [{ title: t("runs.progress"), width: 150, from: "md" as const, render: (_: unknown, r: TJobRun) => <RunProgress run={r} size="small" /> }]),
          { title: t("runs.duration"), width: 100, from: "md", render: (_, r) => runDuration(r, locale) },
          { title: t("runs.cost"), dataIndex: "costCents", width: 90, from: "lg", render: (c: number) => formatMoney(c, locale) },
        ])}
      />
    </Card>
  );
}

export function JobDetail({ id }: { id: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const router = useRouter();
  const job = useJob(id);
  const remove = useDeleteJob();
  const disable = useDisableJob();
  const confirm = useDangerConfirm();
  if (job.isError && job.error instanceof ApiError && job.error.status === 404) {
    return <Result status="404" title={t("notFound.title")} subTitle={t("notFound.body")} extra={<Link href="/jobs">{t("jobs.title")}</Link>} />;
  }
  if (job.isError) return <LoadError onRetry={() => void job.refetch()} />;
  if (!job.data) return <Skeleton active />;
  const j = job.data;
  // Phones: the controls go under the title, which keeps its room.
  const wide = screens.md !== false;
  const controls = (
    <Space wrap>
      <JobControls job={j} />
      {j.status !== "disabled" && (
        <Button
          icon={<StopOutlined />}
          loading={disable.isPending}
          onClick={() =>
            confirm({
              title: j.name,
              content: t("jobs.disableConfirm", { name: j.name }),
              okText: t("jobs.disable"),
              success: t("jobs.disabled"),
              onOk: () => disable.mutateAsync(j.id),
            })
          }
        >
          {t("jobs.disable")}
        </Button>
      )}
      <Link href={`/jobs/${j.id}/edit`}>
        <Button icon={<EditOutlined />}>{t("common.edit")}</Button>
      </Link>
      <Button
        danger
        icon={<DeleteOutlined />}
        onClick={() =>
          confirm({
            title: j.name,
            content: t("jobs.deleteConfirm", { name: j.name }),
            success: t("jobs.deleted"),
            onOk: async () => {
              await remove.mutateAsync(j.id);
              router.push("/jobs");
            },
          })
        }
      >
        {t("common.delete")}
      </Button>
    </Space>
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Breadcrumb items={[{ title: <Link href="/jobs">{t("jobs.title")}</Link> }, { title: j.name }]} />
      <Card
        title={
          <Space wrap>
            <span>{j.name}</span>
            <Tag color={j.status === "active" ? "green" : j.status === "paused" ? "orange" : "default"}>{t(`jobs.status.${j.status}`)}</Tag>
          </Space>
        }
        extra={wide ? controls : undefined}
      >
        {!wide && <div style={{ marginBottom: 16 }}>{controls}</div>}
        <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
          <Descriptions.Item label={t("jobs.what")} span={2}>
            <WhatItRuns job={j} />
          </Descriptions.Item>
          <Descriptions.Item label={t("jobs.schedule")}>
            <ScheduleText job={j} />
          </Descriptions.Item>
          <Descriptions.Item label={t("jobs.nextRun")}>{j.status === "active" && j.nextRunAt ? formatTime(j.nextRunAt) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("jobs.priority")}>{t(`jobs.priorities.${j.priority}`)}</Descriptions.Item>
          <Descriptions.Item label={t("jobs.retries")}>
            {j.retry.maxAttempts} · {t(`jobs.backoffs.${j.retry.backoff}`)} ({j.retry.delaySeconds}–{j.retry.maxDelaySeconds} s)
          </Descriptions.Item>
          {j.executor === "slurm" ? (
            <Descriptions.Item label={t("jobs.timeLimitShort")}>{t("jobs.minutes", { count: Math.ceil(j.timeoutSeconds / 60) })}</Descriptions.Item>
          ) : (
            <>
              <Descriptions.Item label={t("jobs.timeoutShort")}>{formatSeconds(j.timeoutSeconds, locale)}</Descriptions.Item>
              <Descriptions.Item label={t("jobs.nodeTags")}>{j.nodeTags.length ? j.nodeTags.map((tag) => <Tag key={tag}>{tag}</Tag>) : "—"}</Descriptions.Item>
            </>
          )}
          {j.description && (
            <Descriptions.Item label={t("jobs.description")} span={2}>
              {j.description}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <RunsTable jobId={j.id} isSlurm={j.executor === "slurm"} />
    </Space>
  );
}
