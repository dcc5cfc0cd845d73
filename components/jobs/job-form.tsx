"use client";
import { useMemo } from "react";
import Link from "@/components/common/link";
import { useRouter, useSearchParams } from "next/navigation";
import dayjs, { type Dayjs } from "dayjs";
import { App, Breadcrumb, Button, Card, Checkbox, Collapse, DatePicker, Flex, Form, Grid, Input, Radio, Segmented, Select, Space, Tag, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { HTTP_METHODS, JOB_EXECUTORS, JOB_PRIORITIES, type TCreateJobRequest, type TJob } from "@/lib/contracts/jobs";
import { useImages, useSpecs } from "@/lib/hooks/catalog";
import { useClusterPartitions, useClusters } from "@/lib/hooks/clusters";
import { useCreateJob, useUpdateJob } from "@/lib/hooks/jobs";
import { nextFires, scheduleProblem } from "@/lib/schedule";
import { describeCron } from "@/lib/schedule-words";
import { formatTime, formatTimeSeconds } from "@/lib/format";
import { errorText, showFormError } from "../common/error-text";
import { ClusterStatusTag, formatMinutes, PriceText } from "../clusters/cluster-status";
import { NumberField } from "../common/number-field";
import { usePrefs, useT } from "../providers/i18n";

// The job form, one page for a new job and for a change: what it runs (a command in a
// container, a Python script, an HTTP request, or a batch script on a Slurm cluster: the
// executor is chosen once; /jobs/new?executor=slurm&clusterId= starts on a cluster), when (now,
// once at a time, or a cron schedule previewed as its next five times in the reader's time
// zone and said in words), and the retries, timeout, priority and node tags. The server
// checks everything again; its refusals land under their fields.

type Executor = (typeof JOB_EXECUTORS)[number];
type Header = { name: string; value?: string; secret: boolean; kept?: boolean };

export type JobFormValues = {
  executor: Executor;
  name: string;
  description?: string;
  imageId?: string;
  specId?: string;
  container?: { command?: string; workdir?: string };
  python?: { script?: string };
  argsText?: string;
  envText?: string;
  http?: { method: (typeof HTTP_METHODS)[number]; url?: string; headers?: Header[]; body?: string };
  acceptText?: string;
  slurm?: {
    clusterId?: string;
    partition?: string | null;
    script?: string;
    nodes?: number | null;
    tasks?: number | null;
    cpusPerTask?: number | null;
    memoryMb?: number | null;
    gpus?: number | null;
    workdir?: string;
  };
  /** Slurm jobs: the time limit in minutes (sent as the job's timeout in seconds). */
  timeLimitMinutes?: number | null;
  trigger: "now" | "once" | "cron";
  runAt?: Dayjs;
  cron?: string;
  timezone: string;
  overlap: "allow" | "forbid" | "replace";
  misfire: "skip" | "once";
  priority: (typeof JOB_PRIORITIES)[number];
  retry: { maxAttempts: number; backoff: "fixed" | "exponential"; delaySeconds: number; maxDelaySeconds: number };
  timeoutSeconds?: number | null;
  nodeTags: string[];
};

const ENV_LINE = /^([A-Za-z_][A-Za-z0-9_]{0,127})=(.*)$/;

/** `NAME=value` lines as a record; the number of the first bad line otherwise. Pure. */
export function parseEnv(text: string | undefined): Record<string, string> | { badLine: number } {
  const env: Record<string, string> = {};
  const lines = (text ?? "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (!line.trim()) continue;
    const m = ENV_LINE.exec(line);
    if (!m) return { badLine: i + 1 };
    env[m[1]!] = m[2]!;
  }
  return env;
}

const lines = (text: string | undefined) =>
  (text ?? "")
    .split("\n")
    .map((l) => l.replace(/\r$/, ""))
    .filter((l) => l.length > 0);
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** A new Slurm job's script: a working start, with where #SBATCH lines go. */
export const SLURM_TEMPLATE = `#!/bin/bash
# #SBATCH lines may go here; the form's fields (partition, nodes, CPUs,
# memory, GPUs, time limit) win over them.

echo "Job $SLURM_JOB_ID on $(hostname), as $(whoami)"
srun hostname
`;

/** An optional positive count: empty is Slurm's default (null). */
const countOrNull = (n: number | null | undefined) => (typeof n === "number" && Number.isFinite(n) ? n : null);

/** What the API is sent for the form's values (the executor's own settings only). */
export function jobBody(v: JobFormValues): TCreateJobRequest {
  const env = parseEnv(v.envText);
  const envRecord = "badLine" in env ? {} : env;
  const common = {
    name: v.name,
    description: v.description?.trim() ? v.description : null,
    priority: v.priority,
    retry: v.retry,
    ...(v.timeoutSeconds ? { timeoutSeconds: v.timeoutSeconds } : {}),
    nodeTags: v.nodeTags ?? [],
    trigger: v.trigger,
    ...(v.trigger === "once" && v.runAt ? { runAt: v.runAt.toISOString() } : {}),
    ...(v.trigger === "cron" ? { cron: v.cron?.trim() } : {}),
    timezone: v.timezone,
    overlap: v.overlap,
    misfire: v.misfire,
  };
  if (v.executor === "slurm") {
    const s = v.slurm ?? {};
    const { timeoutSeconds: _timeout, ...rest } = common;
    return {
      executor: "slurm",
      slurm: {
        clusterId: s.clusterId ?? "",
        script: s.script ?? "",
        partition: s.partition || null,
        nodes: countOrNull(s.nodes),
        tasks: countOrNull(s.tasks),
        cpusPerTask: countOrNull(s.cpusPerTask),
        memoryMb: countOrNull(s.memoryMb),
        gpus: countOrNull(s.gpus) ?? 0,
        env: envRecord,
        workdir: s.workdir?.trim() ? s.workdir.trim() : null,
      },
      ...rest,
      nodeTags: [],
      // Slurm's time limit is the job's timeout.
      ...(v.timeLimitMinutes ? { timeoutSeconds: v.timeLimitMinutes * 60 } : {}),
    } as TCreateJobRequest;
  }
  if (v.executor === "http") {
    const headers = (v.http?.headers ?? []).map((h) => ({ name: h.name, secret: h.secret, ...(h.kept && !h.value ? {} : { value: h.value ?? "" }) }));
    const accept = (v.acceptText ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    return {
      executor: "http",
      http: { method: v.http?.method ?? "GET", url: v.http?.url ?? "", headers, ...(v.http?.body ? { body: v.http.body } : {}), acceptStatus: accept },
      ...common,
    } as TCreateJobRequest;
  }
  const runsOn = { imageId: v.imageId, specId: v.specId };
  if (v.executor === "python") {
    return {
      executor: "python",
      python: { script: v.python?.script ?? "", args: lines(v.argsText), env: envRecord },
      ...runsOn,
      ...common,
    } as TCreateJobRequest;
  }
  return {
    executor: "container",
    container: { command: v.container?.command ?? "", env: envRecord, ...(v.container?.workdir ? { workdir: v.container.workdir } : {}) },
    ...runsOn,
    ...common,
  } as TCreateJobRequest;
}

/** The form's values for a job (a change), or a new job's defaults (Slurm: on `clusterId`, when given). */
export function jobFormValues(job: TJob | null, executor: Executor = "container", clusterId?: string): JobFormValues {
  const retry = job?.retry ?? { maxAttempts: 1, backoff: "exponential" as const, delaySeconds: 10, maxDelaySeconds: 600 };
  const env = job?.container?.env ?? job?.python?.env ?? job?.slurm?.env ?? {};
  const slurm = job?.slurm;
  return {
    executor: job?.executor ?? executor,
    name: job?.name ?? "",
    description: job?.description ?? undefined,
    imageId: job?.imageId ?? undefined,
    specId: job?.specId ?? undefined,
    container: { command: job?.container?.command, workdir: job?.container?.workdir },
    python: { script: job?.python?.script },
    argsText: (job?.python?.args ?? []).join("\n"),
    envText: Object.entries(env)
      .map(([k, val]) => `${k}=${val}`)
      .join("\n"),
    http: {
      method: job?.http?.method ?? "GET",
      url: job?.http?.url,
      headers: (job?.http?.headers ?? []).map((h) => ({ name: h.name, secret: h.secret, value: h.value ?? undefined, kept: h.secret })),
      body: job?.http?.body,
    },
    acceptText: (job?.http?.acceptStatus ?? []).join(", "),
    slurm: {
      clusterId: slurm?.clusterId ?? clusterId,
      partition: slurm?.partition ?? undefined,
      script: slurm?.script ?? SLURM_TEMPLATE,
      nodes: slurm?.nodes ?? null,
      tasks: slurm?.tasks ?? null,
      cpusPerTask: slurm?.cpusPerTask ?? null,
      memoryMb: slurm?.memoryMb ?? null,
      gpus: slurm?.gpus || null,
      workdir: slurm?.workdir ?? undefined,
    },
    timeLimitMinutes: job?.executor === "slurm" ? Math.ceil(job.timeoutSeconds / 60) : null,
    trigger: job?.trigger ?? "now",
    runAt: job?.runAt ? dayjs(job.runAt) : undefined,
    cron: job?.cron ?? undefined,
    timezone: job?.timezone ?? browserZone(),
    overlap: job?.overlap ?? "forbid",
    misfire: job?.misfire ?? "skip",
    priority: job?.priority ?? "normal",
    retry,
    timeoutSeconds: job?.timeoutSeconds ?? null,
    nodeTags: job?.nodeTags ?? [],
  };
}

/** The schedule said in words, and its next five times in the reader's time zone. */
function SchedulePreview() {
  const t = useT();
  const { locale } = usePrefs();
  const cron = Form.useWatch("cron") as string | undefined;
  const timezone = Form.useWatch("timezone") as string | undefined;
  const preview = useMemo(() => {
    const expr = cron?.trim();
    if (!expr || !timezone) return null;
    // The field itself says what is wrong with an expression.
    if (scheduleProblem({ cron: expr, timezone })) return null;
    return { words: describeCron(expr, locale), fires: nextFires({ cron: expr, timezone }, new Date(), 5), seconds: expr.split(/\s+/).length === 6 };
  }, [cron, timezone, locale]);
  if (!preview) return null;
  return (
    <Card size="small" data-testid="schedule-preview" style={{ marginBottom: 16 }}>
      {preview.words && (
        <Typography.Paragraph strong style={{ marginBottom: 8 }} data-testid="schedule-words">
          {preview.words}
        </Typography.Paragraph>
      )}
      <Typography.Text type="secondary">{t("jobs.nextFires", { zone: browserZone() })}</Typography.Text>
      <ol style={{ margin: "4px 0 0", paddingInlineStart: 20 }} data-testid="next-fires">
        {preview.fires.length ? (
          preview.fires.map((d) => <li key={d.getTime()}>{preview.seconds ? formatTimeSeconds(d) : formatTime(d)}</li>)
        ) : (
          <li>{t("jobs.noFires")}</li>
        )}
      </ol>
    </Card>
  );
}

function RunsOnFields({ executor }: { executor: Executor }) {
  const t = useT();
  const images = useImages({ page: 1, pageSize: 100 });
  const specs = useSpecs({ page: 1, pageSize: 100 });
  return (
    <Flex gap={16} wrap>
      <Form.Item
        name="imageId"
        label={t("jobs.image")}
        extra={executor === "python" ? t("jobs.pythonImage") : undefined}
        rules={[{ required: true, message: t("validation.required", { field: t("jobs.image") }) }]}
        style={{ flex: "1 1 240px" }}
      >
        <Select
          showSearch={{ optionFilterProp: "label" }}
          loading={images.isLoading}
          options={(images.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))}
        />
      </Form.Item>
      <Form.Item
        name="specId"
        label={t("jobs.spec")}
        rules={[{ required: true, message: t("validation.required", { field: t("jobs.spec") }) }]}
        style={{ flex: "1 1 240px" }}
      >
        <Select
          showSearch={{ optionFilterProp: "label" }}
          loading={specs.isLoading}
          options={(specs.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
        />
      </Form.Item>
    </Flex>
  );
}

function EnvField() {
  const t = useT();
  return (
    <Form.Item
      name="envText"
      label={t("jobs.env")}
      extra={t("jobs.envHelp")}
      rules={[
        {
          validator: (_, v: string | undefined) => {
            const env = parseEnv(v);
            return "badLine" in env ? Promise.reject(new Error(t("jobs.envBad", { line: env.badLine }))) : Promise.resolve();
          },
        },
      ]}
    >
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} style={{ fontFamily: "monospace" }} placeholder="DATASET=/data/train" />
    </Form.Item>
  );
}

function HttpFields() {
  const t = useT();
  return (
    <>
      <Flex gap={16} wrap>
        <Form.Item name={["http", "method"]} label={t("jobs.method")} style={{ width: 140 }}>
          <Select options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} />
        </Form.Item>
        <Form.Item
          name={["http", "url"]}
          label={t("jobs.url")}
          rules={[{ required: true, message: t("validation.required", { field: t("jobs.url") }) }]}
          style={{ flex: "1 1 320px" }}
        >
          <Input placeholder="https://example.com/hooks/nightly" />
        </Form.Item>
      </Flex>
      <Form.Item label={t("jobs.headers")}>
        <Form.List name={["http", "headers"]}>
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: "100%" }}>
              {fields.map((f) => (
                <Flex key={f.key} gap={8} align="baseline" wrap>
                  <Form.Item
                    name={[f.name, "name"]}
                    style={{ marginBottom: 0, flex: "1 1 160px" }}
                    rules={[{ required: true, message: t("validation.required", { field: t("jobs.headerName") }) }]}
                  >
                    <Input placeholder={t("jobs.headerName")} aria-label={t("jobs.headerName")} />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {(form) => {
                      const kept = form.getFieldValue(["http", "headers", f.name, "kept"]) as boolean | undefined;
                      const secret = form.getFieldValue(["http", "headers", f.name, "secret"]) as boolean | undefined;
                      return (
                        <Form.Item name={[f.name, "value"]} style={{ marginBottom: 0, flex: "2 1 220px" }}>
                          {secret ? (
                            <Input.Password
                              placeholder={kept ? t("jobs.secretKept") : t("jobs.headerValue")}
                              aria-label={t("jobs.headerValue")}
                              autoComplete="new-password"
                            />
                          ) : (
                            <Input placeholder={t("jobs.headerValue")} aria-label={t("jobs.headerValue")} />
                          )}
                        </Form.Item>
                      );
                    }}
                  </Form.Item>
                  <Form.Item name={[f.name, "secret"]} valuePropName="checked" style={{ marginBottom: 0 }}>
                    <Checkbox>{t("jobs.headerSecret")}</Checkbox>
                  </Form.Item>
                  <MinusCircleOutlined aria-label={t("common.delete")} onClick={() => remove(f.name)} />
                </Flex>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: "", secret: false })}>
                {t("jobs.addHeader")}
              </Button>
            </Space>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item name={["http", "body"]} label={t("jobs.body")}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 10 }} style={{ fontFamily: "monospace" }} />
      </Form.Item>
      <Form.Item name="acceptText" label={t("jobs.acceptStatus")} extra={t("jobs.acceptStatusHelp")}>
        <Input placeholder="200, 202" />
      </Form.Item>
    </>
  );
}

/** Where a Slurm job runs (a cluster, a partition with its prices) and what it asks for. */
function SlurmFields() {
  const t = useT();
  const { locale } = usePrefs();
  const form = Form.useFormInstance<JobFormValues>();
  const clusterId = Form.useWatch(["slurm", "clusterId"], form) as string | undefined;
  const clusters = useClusters({ page: 1, pageSize: 100 });
  const partitions = useClusterPartitions(clusterId);
  const list = clusters.data?.items ?? [];
  const byName = new Map((partitions.data?.items ?? []).map((p) => [p.name, p]));
  const fallback = partitions.data?.items.find((p) => p.isDefault);
  const optional = t("jobs.slurmDefault");
  const count = (name: string, label: string, max: number, min = 1) => (
    <NumberField name={["slurm", name]} label={label} integer min={min} max={max} placeholder={optional} itemStyle={{ flex: "1 1 150px" }} />
  );
  return (
    <>
      <Flex gap={16} wrap>
        <Form.Item
          name={["slurm", "clusterId"]}
          label={t("jobs.cluster")}
          extra={clusters.data && !list.length ? t("jobs.noClusters") : undefined}
          rules={[{ required: true, message: t("validation.required", { field: t("jobs.cluster") }) }]}
          style={{ flex: "1 1 240px" }}
        >
          <Select
            showSearch={{ optionFilterProp: "label" }}
            loading={clusters.isLoading}
            onChange={() => form.setFieldValue(["slurm", "partition"], undefined)}
            options={list.map((c) => ({ value: c.id, label: c.name, status: c.status, message: c.statusMessage }))}
            optionRender={(o) => (
              <Flex justify="space-between" gap={8}>
                <span>{o.label}</span>
                <ClusterStatusTag status={o.data.status} />
              </Flex>
            )}
          />
        </Form.Item>
        <Form.Item
          name={["slurm", "partition"]}
          label={t("jobs.partition")}
          extra={partitions.isError ? errorText(t, partitions.error) : t("jobs.partitionHelp")}
          style={{ flex: "1 1 240px" }}
        >
          <Select
            allowClear
            showSearch={{ optionFilterProp: "value" }}
            disabled={!clusterId}
            loading={partitions.isLoading && !!clusterId}
            placeholder={fallback ? `${fallback.name} (${t("jobs.partitionDefault")})` : undefined}
            options={(partitions.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))}
            optionRender={(o) => {
              const p = byName.get(String(o.value));
              if (!p) return o.label;
              return (
                <Flex justify="space-between" gap={8} align="center">
                  <Space size={4}>
                    <span>{p.name}</span>
                    {p.isDefault && <Tag color="blue">{t("jobs.partitionDefault")}</Tag>}
                  </Space>
                  <Space size={8} style={{ fontSize: 12 }}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {`${p.totalCpus} CPU · ${formatMinutes(p.maxTimeMinutes, t, locale)}`}
                    </Typography.Text>
                    <PriceText price={p.price} locale={locale} />
                  </Space>
                </Flex>
              );
            }}
          />
        </Form.Item>
      </Flex>
      <Form.Item
        name={["slurm", "script"]}
        label={t("jobs.slurmScript")}
        extra={t("jobs.slurmScriptHelp")}
        rules={[
          { required: true, whitespace: true, message: t("validation.required", { field: t("jobs.slurmScript") }) },
          { pattern: /^#!/, message: t("jobs.slurmShebang") },
        ]}
      >
        <Input.TextArea autoSize={{ minRows: 8, maxRows: 30 }} style={{ fontFamily: "monospace" }} spellCheck={false} />
      </Form.Item>
      <Flex gap={16} wrap>
        {count("nodes", t("jobs.slurmNodes"), 10_000)}
        {count("tasks", t("jobs.slurmTasks"), 1_000_000)}
        {count("cpusPerTask", t("jobs.cpusPerTask"), 10_000)}
        <NumberField
          name={["slurm", "memoryMb"]}
          label={t("jobs.memoryMb")}
          integer
          min={1}
          max={2 ** 30}
          placeholder={optional}
          suffix="MB"
          itemStyle={{ flex: "1 1 150px" }}
        />
        {count("gpus", t("jobs.gpus"), 64, 0)}
      </Flex>
      <Flex gap={16} wrap>
        <NumberField
          name="timeLimitMinutes"
          label={t("jobs.timeLimit")}
          extra={t("jobs.timeLimitHelp")}
          integer
          min={1}
          max={10_080}
          itemStyle={{ flex: "1 1 200px" }}
        />
        <Form.Item name={["slurm", "workdir"]} label={t("jobs.workdir")} extra={t("jobs.slurmWorkdirHelp")} style={{ flex: "2 1 300px" }}>
          <Input placeholder="/home/…/project" />
        </Form.Item>
      </Flex>
      <EnvField />
    </>
  );
}

function WhatFields({ executor }: { executor: Executor }) {
  const t = useT();
  if (executor === "http") return <HttpFields />;
  if (executor === "slurm") return <SlurmFields />;
  return (
    <>
      <RunsOnFields executor={executor} />
      {executor === "container" ? (
        <>
          <Form.Item
            name={["container", "command"]}
            label={t("jobs.command")}
            rules={[{ required: true, whitespace: true, message: t("validation.required", { field: t("jobs.command") }) }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 16 }}
              style={{ fontFamily: "monospace" }}
              placeholder={'python train.py --epochs 3 && echo "::progress 100"'}
            />
          </Form.Item>
          <Form.Item name={["container", "workdir"]} label={t("jobs.workdir")}>
            <Input placeholder="/workspace" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item
            name={["python", "script"]}
            label={t("jobs.script")}
            rules={[{ required: true, whitespace: true, message: t("validation.required", { field: t("jobs.script") }) }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 8, maxRows: 30 }}
              style={{ fontFamily: "monospace" }}
              placeholder={'import sys\nprint("hello", sys.argv[1:])\nprint("::progress 100")'}
            />
          </Form.Item>
          <Form.Item name="argsText" label={t("jobs.args")} extra={t("jobs.argsHelp")}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} style={{ fontFamily: "monospace" }} />
          </Form.Item>
        </>
      )}
      <EnvField />
    </>
  );
}

function WhenFields() {
  const t = useT();
  const trigger = Form.useWatch("trigger") as JobFormValues["trigger"] | undefined;
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"]), []);
  return (
    <>
      <Form.Item name="trigger" label={t("jobs.trigger")}>
        <Radio.Group optionType="button" options={(["now", "once", "cron"] as const).map((v) => ({ value: v, label: t(`jobs.triggers.${v}`) }))} />
      </Form.Item>
      {trigger === "once" && (
        <Form.Item name="runAt" label={t("jobs.runAt")} rules={[{ required: true, message: t("validation.required", { field: t("jobs.runAt") }) }]}>
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(dayjs(), "day")} />
        </Form.Item>
      )}
      {trigger === "cron" && (
        <>
          <Flex gap={16} wrap>
            <Form.Item
              name="cron"
              label={t("jobs.cron")}
              extra={t("jobs.cronHelp")}
              dependencies={["timezone"]}
              rules={[
                { required: true, whitespace: true, message: t("validation.required", { field: t("jobs.cron") }) },
                ({ getFieldValue }) => ({
                  validator: (_, v: string | undefined) => {
                    const problem = v?.trim()
                      ? scheduleProblem({ cron: v.trim(), timezone: (getFieldValue("timezone") as string | undefined) ?? "UTC" })
                      : null;
                    if (problem?.path !== "cron") return Promise.resolve();
                    return Promise.reject(new Error(problem.message.startsWith("never") ? t("jobs.noFires") : t("jobs.badCron")));
                  },
                }),
              ]}
              style={{ flex: "1 1 260px" }}
            >
              <Input style={{ fontFamily: "monospace" }} placeholder="0 3 * * *" />
            </Form.Item>
            <Form.Item name="timezone" label={t("jobs.timezone")} style={{ flex: "1 1 220px" }}>
              <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
            </Form.Item>
          </Flex>
          <SchedulePreview />
          <Flex gap={16} wrap>
            <Form.Item name="overlap" label={t("jobs.overlap")}>
              <Select style={{ width: 220 }} options={(["forbid", "allow", "replace"] as const).map((v) => ({ value: v, label: t(`jobs.overlaps.${v}`) }))} />
            </Form.Item>
            <Form.Item name="misfire" label={t("jobs.misfire")}>
              <Select style={{ width: 220 }} options={(["skip", "once"] as const).map((v) => ({ value: v, label: t(`jobs.misfires.${v}`) }))} />
            </Form.Item>
          </Flex>
        </>
      )}
    </>
  );
}

function AdvancedFields({ executor }: { executor: Executor }) {
  const t = useT();
  // Slurm jobs: the time limit is with the job's resources, and node tags are for the console's own nodes.
  const isSlurm = executor === "slurm";
  return (
    <>
      <Flex gap={16} wrap>
        <Form.Item name="priority" label={t("jobs.priority")}>
          <Select style={{ width: 160 }} options={JOB_PRIORITIES.map((p) => ({ value: p, label: t(`jobs.priorities.${p}`) }))} />
        </Form.Item>
        <NumberField name={["retry", "maxAttempts"]} label={t("jobs.retries")} integer min={1} max={20} required style={{ width: 120 }} />
        <Form.Item name={["retry", "backoff"]} label={t("jobs.backoff")}>
          <Select style={{ width: 180 }} options={(["exponential", "fixed"] as const).map((b) => ({ value: b, label: t(`jobs.backoffs.${b}`) }))} />
        </Form.Item>
        <NumberField name={["retry", "delaySeconds"]} label={t("jobs.retryDelay")} integer min={0} max={86_400} required style={{ width: 140 }} />
        <NumberField name={["retry", "maxDelaySeconds"]} label={t("jobs.retryMaxDelay")} integer min={1} max={86_400} required style={{ width: 140 }} />
      </Flex>
      {!isSlurm && (
        <Flex gap={16} wrap>
          <NumberField name="timeoutSeconds" label={t("jobs.timeout")} extra={t("jobs.timeoutHelp")} integer min={1} max={604_800} style={{ width: 200 }} />
          <Form.Item name="nodeTags" label={t("jobs.nodeTags")} style={{ flex: "1 1 260px" }}>
            <Select mode="tags" tokenSeparators={[",", " "]} open={false} suffixIcon={null} />
          </Form.Item>
        </Flex>
      )}
    </>
  );
}

export function JobForm({ job }: { job: TJob | null }) {
  const t = useT();
  const { locale } = usePrefs();
  const router = useRouter();
  const { message } = App.useApp();
  const [form] = Form.useForm<JobFormValues>();
  const create = useCreateJob();
  const update = useUpdateJob();
  // A new job may start on an executor and a cluster (the cluster page's "New Slurm job").
  const params = useSearchParams();
  const presetExecutor = JOB_EXECUTORS.find((e) => e === params.get("executor"));
  const presetCluster = params.get("clusterId") ?? undefined;
  const initial = useMemo(() => jobFormValues(job, presetExecutor, presetCluster), [job, presetExecutor, presetCluster]);
  const executor = (Form.useWatch("executor", form) as Executor | undefined) ?? initial.executor;
  // Phones: the short names of the types, so the switch fits.
  const wide = Grid.useBreakpoint().sm !== false;

  async function onFinish(v: JobFormValues) {
    const body = jobBody(v);
    try {
      if (job) {
        const { executor: _fixed, ...change } = body;
        const saved = await update.mutateAsync({ id: job.id, body: change });
        void message.success(t("common.saved"));
        router.push(`/jobs/${saved.id}`);
      } else {
        const saved = await create.mutateAsync(body);
        void message.success(t("jobs.created"));
        router.push(`/jobs/${saved.id}`);
      }
    } catch (err) {
      void message.error(
        showFormError(t, locale, form, err, {
          "container.env": "envText",
          "python.env": "envText",
          "python.args": "argsText",
          "http.acceptStatus": "acceptText",
          "slurm.env": "envText",
          ...(v.executor === "slurm" ? { timeoutSeconds: "timeLimitMinutes" } : {}),
        }),
      );
    }
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Breadcrumb
        items={[
          { title: <Link href="/jobs">{t("jobs.title")}</Link> },
          ...(job ? [{ title: <Link href={`/jobs/${job.id}`}>{job.name}</Link> }] : []),
          { title: job ? t("jobs.editJob") : t("jobs.newJob") },
        ]}
      />
      <Card title={job ? t("jobs.editJob") : t("jobs.newJob")}>
        <Form<JobFormValues>
          form={form}
          layout="vertical"
          initialValues={initial}
          onFinish={onFinish}
          requiredMark={false}
          scrollToFirstError
          style={{ maxWidth: 900 }}
        >
          <Form.Item name="executor" label={t("jobs.executor")}>
            <Segmented
              disabled={!!job}
              options={JOB_EXECUTORS.map((e) => ({ value: e, label: t(wide ? `jobs.executors.${e}` : `jobs.executorShort.${e}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t("jobs.name")}
            rules={[{ required: true, whitespace: true, message: t("validation.required", { field: t("jobs.name") }) }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t("jobs.description")}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} />
          </Form.Item>
          <Typography.Title level={5}>{t("jobs.what")}</Typography.Title>
          <WhatFields executor={executor} />
          <Typography.Title level={5}>{t("jobs.schedule")}</Typography.Title>
          <WhenFields />
          <Collapse
            ghost
            style={{ marginBottom: 16 }}
            items={[
              {
                key: "advanced",
                label: executor === "slurm" ? t("jobs.advancedSlurm") : t("jobs.advanced"),
                forceRender: true,
                children: <AdvancedFields executor={executor} />,
              },
            ]}
          />
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending}>
              {job ? t("common.save") : t("common.create")}
            </Button>
            <Link href={job ? `/jobs/${job.id}` : "/jobs"}>
              <Button>{t("common.cancel")}</Button>
            </Link>
          </Space>
        </Form>
      </Card>
    </Space>
  );
}
