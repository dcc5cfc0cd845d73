"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { Alert, Empty, Grid, Pagination, Select, Skeleton, Space, Table, Tag, Timeline, Tooltip, Typography } from "antd";
import { ApiError } from "@/lib/api/client";
import type { TSlurmJob, TSlurmNode, TSlurmPartition } from "@/lib/contracts/clusters";
import type { TJobRun } from "@/lib/contracts/jobs";
import { type ClusterJobFilters, useClusterEvents, useClusterJobs, useClusterNodes, useClusterPartitions, useMyClusterRuns } from "@/lib/hooks/clusters";
import { formatTime, formatTimeSeconds } from "@/lib/format";
import type { MessageKey } from "@/lib/i18n";
import { fitColumns, LoadError, SearchBox, tablePagination, Toolbar } from "../common/listing";
import { runDuration } from "../jobs/run-detail";
import { RunStatusWithReason } from "../jobs/run-status";
import { formatMbPair, formatMinutes, PriceText, SlurmStateTag } from "./cluster-status";
import { usePrefs, useT } from "../providers/i18n";

// The cluster page's tabs: nodes, partitions, jobs (administrators: Slurm's whole queue,
// linked to the console's runs; users: their own runs there) and the status history.
// What slurmrestd could not answer is said with the cluster's own reason.

/** A read the cluster refused or could not answer: what happened, in the reader's words, and the server's reason. */
export function ReadError({ error }: { error: unknown }) {
  const t = useT();
  const known = error instanceof ApiError && ["CLUSTER_UNREACHABLE", "CLUSTER_AUTH_FAILED", "CLUSTER_ERROR"].includes(error.code);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="cluster-read-error"
      title={known ? t(`errors.${(error as ApiError).code}` as MessageKey) : t("clusters.cannotRead")}
      description={error instanceof ApiError ? error.message : undefined}
    />
  );
}

const pair = (p: { allocated: number; total: number }) => `${p.allocated} / ${p.total}`;

export function ClusterNodesTab({ clusterId }: { clusterId: string }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const nodes = useClusterNodes(clusterId);
  if (nodes.isError && !nodes.data) return <ReadError error={nodes.error} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="cluster-nodes">
      {nodes.isError && <ReadError error={nodes.error} />}
      <Table<TSlurmNode>
        rowKey="name"
        loading={nodes.isLoading}
        dataSource={nodes.data?.items ?? []}
        pagination={(nodes.data?.items.length ?? 0) > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("clusters.noNodes")} /> }}
        {...fitColumns<TSlurmNode>(screens, [
          {
            title: t("clusters.node"),
            dataIndex: "name",
            width: 150,
            render: (name: string, n) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{name}</Typography.Text>
                {n.reason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {n.reason}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t("clusters.state"), width: 160, render: (_, n) => <SlurmStateTag state={n.state} flags={n.stateFlags} /> },
          { title: t("clusters.cpusCol"), width: 130, render: (_, n) => pair(n.cpus) },
          {
            title: t("clusters.memoryCol"),
            width: 160,
            from: "md",
            render: (_, n) => formatMbPair(n.memoryMb.allocated, n.memoryMb.total),
          },
          {
            title: t("clusters.gpusCol"),
            width: 120,
            from: "md",
            render: (_, n) => (n.gpus.total > 0 ? <Tooltip title={n.gres || undefined}>{pair(n.gpus)}</Tooltip> : "—"),
          },
          {
            title: t("clusters.partitions"),
            width: 150,
            from: "lg",
            render: (_, n) => (
              <Space size={4} wrap>
                {n.partitions.map((p) => (
                  <Tag key={p} style={{ marginInlineEnd: 0 }}>
                    {p}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t("clusters.jobsOn"),
            width: 140,
            // Administrators see the job ids; others how many jobs run there.
            render: (_, n) =>
              n.jobs.length ? (
                <Tooltip title={n.jobs.join(", ")}>
                  <span>{n.jobs.length > 4 ? `${n.jobs.slice(0, 4).join(", ")} +${n.jobs.length - 4}` : n.jobs.join(", ")}</span>
                </Tooltip>
              ) : n.jobCount ? (
                n.jobCount
              ) : (
                "—"
              ),
          },
        ])}
      />
    </Space>
  );
}

export function ClusterPartitionsTab({ clusterId }: { clusterId: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const parts = useClusterPartitions(clusterId);
  if (parts.isError && !parts.data) return <ReadError error={parts.error} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="cluster-partitions">
      {parts.isError && <ReadError error={parts.error} />}
      <Table<TSlurmPartition>
        rowKey="name"
        loading={parts.isLoading}
        dataSource={parts.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("clusters.noPartitions")} /> }}
        {...fitColumns<TSlurmPartition>(screens, [
          {
            title: t("clusters.partition"),
            dataIndex: "name",
            width: 140,
            render: (name: string, p) => (
              <Space size={4}>
                <Typography.Text strong>{name}</Typography.Text>
                {p.isDefault && <Tag color="blue">{t("clusters.isDefault")}</Tag>}
              </Space>
            ),
          },
          { title: t("clusters.state"), width: 100, render: (_, p) => <SlurmStateTag state={p.state} /> },
          {
            title: t("clusters.totalNodes"),
            width: 140,
            render: (_, p) => (
              <Space orientation="vertical" size={0}>
                <span>{p.totalNodes}</span>
                {p.nodes && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} code>
                    {p.nodes}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t("clusters.totalCpus"), dataIndex: "totalCpus", width: 80 },
          { title: t("clusters.maxTime"), width: 120, from: "md", render: (_, p) => formatMinutes(p.maxTimeMinutes, t, locale) },
          { title: t("clusters.price"), width: 180, render: (_, p) => <PriceText price={p.price} locale={locale} /> },
        ])}
      />
    </Space>
  );
}

const JOB_STATES = ["PENDING", "RUNNING", "COMPLETING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "SUSPENDED", "PREEMPTED"];

/** Administrators: every job in Slurm's queue (filtered by state and user), linked to the console's run when it has one. */
export function ClusterJobsTab({ clusterId }: { clusterId: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const [q, setQ] = useState<ClusterJobFilters>({ page: 1, pageSize: 20 });
  const jobs = useClusterJobs(clusterId, q);
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="cluster-jobs">
      <Typography.Text type="secondary">{t("clusters.queueHelp")}</Typography.Text>
      <Toolbar>
        <Select<string>
          aria-label={t("clusters.state")}
          style={{ width: 190 }}
          value={q.state ?? ""}
          onChange={(state) => setQ((f) => ({ ...f, page: 1, state: state || undefined }))}
          options={[{ value: "", label: `${t("clusters.state")}: ${t("clusters.allStates")}` }, ...JOB_STATES.map((s) => ({ value: s, label: s }))]}
        />
        <SearchBox placeholder={t("clusters.filterUser")} onSearch={(user) => setQ((f) => ({ ...f, page: 1, user }))} />
      </Toolbar>
      {jobs.isError && <ReadError error={jobs.error} />}
      <Table<TSlurmJob>
        rowKey="jobId"
        loading={jobs.isLoading}
        dataSource={jobs.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("clusters.noJobs")} /> }}
        pagination={tablePagination(t, q, jobs.data?.total, (page, pageSize) => setQ((f) => ({ ...f, page, pageSize })))}
        {...fitColumns<TSlurmJob>(screens, [
          {
            title: t("clusters.jobId"),
            dataIndex: "jobId",
            width: 170,
            render: (id: number, j) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{id}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12, maxWidth: 160 }} ellipsis={{ tooltip: j.name }}>
                  {j.name}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t("clusters.user"), dataIndex: "user", width: 100, render: (u: string | null) => u ?? "—" },
          {
            title: t("clusters.state"),
            width: 170,
            render: (_, j) => (
              <Space orientation="vertical" size={0}>
                <SlurmStateTag state={j.state} flags={j.stateFlags} />
                {j.reason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {j.reason}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t("clusters.partition"), dataIndex: "partition", width: 100, from: "md", render: (p: string | null) => p ?? "—" },
          {
            title: t("clusters.allocated"),
            width: 140,
            from: "lg",
            render: (_, j) => (
              <Space orientation="vertical" size={0}>
                <span>{j.nodes ?? "—"}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {`${j.cpus ?? "—"} CPU${j.gpus ? ` · ${j.gpus} GPU` : ""}`}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t("clusters.submitted"),
            width: 170,
            from: "md",
            render: (_, j) => (
              <Space orientation="vertical" size={0}>
                <span>{formatTime(j.submittedAt)}</span>
                {j.startedAt && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {`${t("clusters.started")} ${formatTime(j.startedAt)}`}
                  </Typography.Text>
                )}
                {j.endedAt && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {`${t("clusters.ended")} ${formatTime(j.endedAt)}`}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t("clusters.timeLimit"), width: 110, from: "xl", render: (_, j) => formatMinutes(j.timeLimitMinutes, t, locale) },
          {
            title: t("clusters.consoleRun"),
            width: 110,
            render: (_, j) => (j.runId ? <Link href={`/runs/${j.runId}`}>{t("clusters.openRun")}</Link> : "—"),
          },
        ])}
      />
    </Space>
  );
}

/** Users: their own runs on this cluster (their Slurm job, its state, the console's status). */
export function MyClusterRuns({ clusterId }: { clusterId: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const runs = useMyClusterRuns(clusterId);
  if (runs.isError && !runs.data) return <LoadError onRetry={() => void runs.refetch()} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="my-cluster-runs">
      <Typography.Text type="secondary">{t("clusters.myRuns")}</Typography.Text>
      <Table<TJobRun>
        rowKey="id"
        loading={runs.isLoading}
        dataSource={runs.data ?? []}
        pagination={(runs.data?.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("clusters.noMyRuns")} /> }}
        {...fitColumns<TJobRun>(screens, [
          {
            title: t("runs.job"),
            width: 190,
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Link href={`/runs/${r.id}`}>{r.jobName}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatTimeSeconds(r.queuedAt)}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t("runs.slurmJob"), width: 100, render: (_, r) => r.slurm?.jobId ?? "—" },
          { title: t("common.status"), width: 200, render: (_, r) => <RunStatusWithReason run={r} /> },
          { title: t("runs.slurmState"), width: 140, from: "md", render: (_, r) => <SlurmStateTag state={r.slurm?.state} /> },
          { title: t("runs.duration"), width: 100, from: "lg", render: (_, r) => runDuration(r, locale) },
        ])}
      />
    </Space>
  );
}

const EVENT_COLOR: Record<string, string> = { healthy: "green", degraded: "orange", unreachable: "red" };

/** Administrators: the cluster's status changes, newest first. */
export function ClusterHistory({ clusterId }: { clusterId: string }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const events = useClusterEvents(clusterId, { page, pageSize: 20 });
  if (events.isError && !events.data) return <LoadError onRetry={() => void events.refetch()} />;
  if (!events.data) return <Skeleton active />;
  if (!events.data.items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("nodes.noHistory")} />;
  const known = (s: string): s is "healthy" | "degraded" | "unreachable" | "unknown" => ["healthy", "degraded", "unreachable", "unknown"].includes(s);
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="cluster-history">
      <Timeline
        items={events.data.items.map((e) => ({
          color: EVENT_COLOR[e.status] ?? "gray",
          content: (
            <>
              <Typography.Text strong>{known(e.status) ? t(`clusters.statuses.${e.status}`) : e.status}</Typography.Text>{" "}
              <Typography.Text type="secondary">{formatTimeSeconds(e.createdAt)}</Typography.Text>
              {e.message && <div style={{ wordBreak: "break-word" }}>{e.message}</div>}
            </>
          ),
        }))}
      />
      {events.data.total > 20 && <Pagination simple current={page} pageSize={20} total={events.data.total} onChange={setPage} />}
    </Space>
  );
}
