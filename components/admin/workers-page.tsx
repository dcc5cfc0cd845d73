"use client";
import { useState } from "react";
import { App, Badge, Button, Card, Col, Form, Grid, Row, Select, Space, Statistic, Switch, Table, Tag } from "antd";
import type { TWorker } from "@/lib/contracts/jobs";
import { useSystemStatus, useUpdateWorker, useWorkers } from "@/lib/hooks/jobs";
import { formatTime } from "@/lib/format";
import { FormDialog } from "../common/form-dialog";
import { fitColumns, LoadError } from "../common/listing";
import { NumberField } from "../common/number-field";
import { useT } from "../providers/i18n";

// Admin: the jobs at a glance (active jobs, runs queued and running, today's runs and their
// success rate, workers online), and the nodes as job workers: status (busy at its limit),
// last heartbeat, runs now, job limit and tags, edited in a dialog.

type WorkerForm = { maxJobs: number; tags: string[]; enabled: boolean };

const STATUS_LOOK = { online: "success", busy: "processing", offline: "default" } as const;

function SystemStatus() {
  const t = useT();
  const s = useSystemStatus(true).data;
  const stats: [string, React.ReactNode][] = [
    [t("workers.jobsActive"), s?.jobs.active ?? "—"],
    [t("workers.runsQueued"), s?.runs.queued ?? "—"],
    [t("workers.runsRunning"), s?.runs.running ?? "—"],
    [t("workers.runsToday"), s?.runsToday ?? "—"],
    [t("workers.successRate"), s ? (s.successRate === null ? "—" : `${s.successRate}%`) : "—"],
    [t("workers.workersOnline"), s ? `${s.workers.online} / ${s.workers.total}` : "—"],
  ];
  return (
    <Card title={t("workers.systemStatus")}>
      <Row gutter={[16, 16]} data-testid="system-status">
        {stats.map(([title, value]) => (
          <Col key={title} xs={12} md={8} xl={4}>
            <Statistic title={title} value={value as string} />
          </Col>
        ))}
      </Row>
    </Card>
  );
}

export function WorkersPage() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const workers = useWorkers();
  const update = useUpdateWorker();
  const [editing, setEditing] = useState<TWorker | null>(null);
  if (workers.isError && !workers.data) return <LoadError onRetry={() => void workers.refetch()} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <SystemStatus />
      <Card title={t("workers.title")}>
        <Table<TWorker>
          rowKey="id"
          loading={workers.isLoading}
          dataSource={workers.data?.items ?? []}
          pagination={false}
          {...fitColumns<TWorker>(screens, [
            { title: t("nodes.name"), dataIndex: "name", width: 160 },
            { title: t("common.status"), width: 110, render: (_, w) => <Badge status={STATUS_LOOK[w.status]} text={t(`workers.status.${w.status}`)} /> },
            { title: t("workers.heartbeat"), dataIndex: "lastHeartbeat", width: 160, from: "md", render: (v: string | null) => formatTime(v) },
            { title: t("workers.current"), width: 120, render: (_, w) => `${w.currentRuns} / ${w.maxJobs || t("queue.noLimit")}` },
            { title: t("workers.tags"), width: 200, from: "md", render: (_, w) => (w.tags.length ? w.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : "—") },
            { title: t("workers.enabled"), width: 100, from: "lg", render: (_, w) => (w.enabled ? t("common.yes") : t("common.no")) },
            {
              title: t("common.actions"),
              actions: true,
              width: 100,
              render: (_, w) => (
                <Button size="small" onClick={() => setEditing(w)}>
                  {t("common.edit")}
                </Button>
              ),
            },
          ])}
        />
      </Card>
      <FormDialog<WorkerForm>
        title={editing ? `${t("workers.edit")}: ${editing.name}` : t("workers.edit")}
        open={editing !== null}
        onClose={() => setEditing(null)}
        okText={t("common.save")}
        pending={update.isPending}
        initialValues={editing ? { maxJobs: editing.maxJobs, tags: editing.tags, enabled: editing.enabled } : undefined}
        onSubmit={async (v) => {
          await update.mutateAsync({ id: editing!.id, body: v });
          void message.success(t("common.saved"));
        }}
      >
        <NumberField name="maxJobs" label={t("workers.maxJobs")} extra={t("workers.maxJobsHelp")} integer min={0} max={1000} required />
        <Form.Item name="tags" label={t("workers.tags")}>
          <Select mode="tags" tokenSeparators={[",", " "]} open={false} suffixIcon={null} />
        </Form.Item>
        <Form.Item name="enabled" label={t("workers.enabled")} valuePropName="checked">
          <Switch />
        </Form.Item>
      </FormDialog>
    </Space>
  );
}
