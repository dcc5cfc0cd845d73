"use client";
import Link from "@/components/common/link";
import { Card, Grid, Progress, Space, Table, Tag, Typography } from "antd";
import type { TJobRun, TNodeLoad } from "@/lib/contracts/jobs";
import { useQueue } from "@/lib/hooks/jobs";
import { formatTime } from "@/lib/format";
import { fitColumns, LoadError } from "../common/listing";
import { RunStatusBadge } from "../jobs/run-status";
import { statusText } from "../common/error-text";
import { usePrefs, useT } from "../providers/i18n";

// Admin: every user's runs waiting and running, in the order they start (running first, then
// the queue by priority and submission), each queued one saying why it waits; and each
// node's load (runs, GPUs, CPU against its limits). Refreshed every 2 s.

type Item = { run: TJobRun; position: number | null };

function Load({ used, total }: { used: number; total: number }) {
  if (total === 0) return <span>—</span>;
  return <Progress percent={Math.round((used / total) * 100)} size="small" format={() => `${used}/${total}`} style={{ width: 140 }} />;
}

export function QueuePage() {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const q = useQueue();
  if (q.isError && !q.data) return <LoadError onRetry={() => void q.refetch()} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={t("queue.title")}>
        <Table<Item>
          rowKey={(i) => i.run.id}
          loading={q.isLoading}
          dataSource={q.data?.items ?? []}
          locale={{ emptyText: t("queue.empty") }}
          pagination={false}
          {...fitColumns<Item>(screens, [
            { title: t("queue.position"), width: 50, render: (_, i) => i.position ?? "▶" },
            {
              title: t("runs.job"),
              width: 200,
              render: (_, i) => (
                <Space orientation="vertical" size={0}>
                  <Link href={`/runs/${i.run.id}`}>{i.run.jobName}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("runs.attemptOf", { attempt: i.run.attempt })} · {formatTime(i.run.queuedAt)}
                  </Typography.Text>
                </Space>
              ),
            },
            { title: t("common.status"), width: 110, render: (_, i) => <RunStatusBadge status={i.run.status} /> },
            {
              title: t("queue.why"),
              width: 320,
              render: (_, i) =>
                i.run.status === "queued" && i.run.statusMessage ? (
                  <Typography.Text type="secondary" data-testid="queue-why">
                    {statusText(locale, i.run.statusRef, i.run.statusMessage)}
                  </Typography.Text>
                ) : (
                  "—"
                ),
            },
          ])}
        />
      </Card>
      <Card title={t("queue.nodes")}>
        <Table<TNodeLoad>
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.nodes ?? []}
          pagination={false}
          {...fitColumns<TNodeLoad>(screens, [
            {
              title: t("nodes.name"),
              dataIndex: "name",
              width: 160,
              render: (name: string, n) => (
                <Space>
                  <span>{name}</span>
                  {n.status !== "online" && <Tag>{n.status}</Tag>}
                </Space>
              ),
            },
            { title: t("queue.runningJobs"), width: 110, render: (_, n) => `${n.runningJobs} / ${n.maxJobs || t("queue.noLimit")}` },
            { title: t("queue.gpus"), width: 160, render: (_, n) => <Load used={n.gpusUsed} total={n.gpuCount} /> },
            { title: t("queue.cpu"), width: 160, from: "md", render: (_, n) => <Load used={n.cpuUsed} total={n.cpuCores} /> },
          ])}
        />
      </Card>
    </Space>
  );
}
