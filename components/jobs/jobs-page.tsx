"use client";
import Link from "@/components/common/link";
import { App, Button, Card, Empty, Grid, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { PauseCircleOutlined, PlayCircleOutlined, PlusOutlined, ThunderboltOutlined } from "@ant-design/icons";
import { JOB_STATUSES, type TJob } from "@/lib/contracts/jobs";
import { type JobFilters, useJobs, usePauseJob, useResumeJob, useTriggerJob } from "@/lib/hooks/jobs";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatTime } from "@/lib/format";
import { errorText } from "../common/error-text";
import { fitColumns, LoadError, SearchBox, tablePagination, Toolbar } from "../common/listing";
import { RunStatusBadge, ScheduleText } from "./run-status";
import { useT } from "../providers/i18n";

// The jobs list: the user's own (admins: everyone's, with the owner), name and status
// filters in the URL, what each runs, its schedule in words, its last and next run, and
// controls (run now, pause or resume).

export const NEW_JOB_HREF = "/jobs/new";

function LastRun({ last }: { last: TJob["lastRun"] }) {
  if (!last) return <span>—</span>;
  return (
    <Space orientation="vertical" size={0}>
      <Link href={`/runs/${last.id}`}>
        <RunStatusBadge status={last.status} />
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatTime(last.at)}
      </Typography.Text>
    </Space>
  );
}

export function JobControls({ job, size }: { job: TJob; size?: "small" }) {
  const t = useT();
  const { message } = App.useApp();
  const trigger = useTriggerJob();
  const pause = usePauseJob();
  const resume = useResumeJob();
  const act = (p: Promise<unknown>, ok: string) => p.then(() => void message.success(ok)).catch((err: unknown) => void message.error(errorText(t, err)));
  return (
    <Space wrap size={4}>
      <Tooltip title={job.status === "disabled" ? t("jobs.disabledHint") : undefined}>
        <Button
          size={size}
          icon={<ThunderboltOutlined />}
          disabled={job.status === "disabled"}
          loading={trigger.isPending}
          onClick={() => void act(trigger.mutateAsync(job.id), t("jobs.triggered"))}
        >
          {t("jobs.trigger_now")}
        </Button>
      </Tooltip>
      {job.status !== "active" ? (
        <Button size={size} icon={<PlayCircleOutlined />} loading={resume.isPending} onClick={() => void act(resume.mutateAsync(job.id), t("jobs.resumed"))}>
          {t("jobs.resume")}
        </Button>
      ) : (
        // Only a schedule can be paused.
        job.trigger !== "now" && (
          <Button size={size} icon={<PauseCircleOutlined />} loading={pause.isPending} onClick={() => void act(pause.mutateAsync(job.id), t("jobs.paused"))}>
            {t("jobs.pause")}
          </Button>
        )
      )}
    </Space>
  );
}

export function JobsPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [query, setQuery] = useUrlState({ page: 1, pageSize: 20, name: undefined as string | undefined, status: undefined as string | undefined });
  const filters: JobFilters = { ...query, status: JOB_STATUSES.find((s) => s === query.status) };
  const jobs = useJobs(filters);
  if (jobs.isError && !jobs.data) return <LoadError onRetry={() => void jobs.refetch()} />;
  const filtered = !!(filters.name || filters.status);
  const create = (
    <Link href={NEW_JOB_HREF}>
      <Button type="primary" icon={<PlusOutlined />}>
        {t("jobs.newJob")}
      </Button>
    </Link>
  );
  return (
    <Card title={t("jobs.title")} extra={create}>
      <Toolbar>
        <SearchBox placeholder={t("jobs.searchName")} defaultValue={filters.name} onSearch={(name) => setQuery((q) => ({ ...q, page: 1, name }))} />
        <Select<string>
          aria-label={t("common.status")}
          style={{ width: 170 }}
          value={filters.status ?? ""}
          onChange={(status) => setQuery((q) => ({ ...q, page: 1, status: status || undefined }))}
          options={[
            { value: "", label: `${t("common.status")}: ${t("common.all")}` },
            ...JOB_STATUSES.map((s) => ({ value: s, label: t(`jobs.status.${s}`) })),
          ]}
        />
      </Toolbar>
      <Table<TJob>
        rowKey="id"
        loading={jobs.isLoading}
        dataSource={jobs.data?.items ?? []}
        locale={{
          emptyText: filtered ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("jobs.noMatch")} />
          ) : (
            <Empty description={t("jobs.empty")}>{create}</Empty>
          ),
        }}
        pagination={tablePagination(t, filters, jobs.data?.total, (page, pageSize) => setQuery((q) => ({ ...q, page, pageSize })))}
        {...fitColumns<TJob>(screens, [
          {
            title: t("jobs.name"),
            dataIndex: "name",
            width: 190,
            render: (name: string, j) => (
              <Space orientation="vertical" size={0}>
                <Link href={`/jobs/${j.id}`}>
                  <Typography.Text strong style={{ color: "inherit" }}>
                    {name}
                  </Typography.Text>
                </Link>
                <Space size={4}>
                  <Tag>{t(`jobs.executorShort.${j.executor}`)}</Tag>
                  {j.status !== "active" && <Tag color={j.status === "paused" ? "orange" : "default"}>{t(`jobs.status.${j.status}`)}</Tag>}
                  {j.priority !== "normal" && (
                    <Tag color={j.priority === "critical" ? "red" : j.priority === "high" ? "volcano" : "default"}>{t(`jobs.priorities.${j.priority}`)}</Tag>
                  )}
                </Space>
              </Space>
            ),
          },
          ...(isAdmin ? [{ title: t("jobs.owner"), dataIndex: "username", width: 100, from: "md" as const }] : []),
          { title: t("jobs.schedule"), width: 220, render: (_, j) => <ScheduleText job={j} /> },
          { title: t("jobs.lastRun"), width: 150, render: (_, j) => <LastRun last={j.lastRun} /> },
          {
            title: t("jobs.nextRun"),
            dataIndex: "nextRunAt",
            width: 150,
            from: "lg",
            render: (v: string | null, j) => (j.status === "active" && v ? formatTime(v) : "—"),
          },
          { title: t("common.actions"), actions: true, width: 220, render: (_, j) => <JobControls job={j} size="small" /> },
        ])}
      />
    </Card>
  );
}
