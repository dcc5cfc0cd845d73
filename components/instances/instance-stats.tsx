"use client";
import { useMemo, useState } from "react";
import { Alert, Badge, Card, Col, Empty, Flex, Progress, Row, Segmented, Skeleton, Statistic, Typography } from "antd";
import type { TInstance, TInstanceStats } from "@/lib/contracts/instances";
import type { TGpuEvent } from "@/lib/contracts/metrics";
import { useInstanceMetrics } from "@/lib/hooks/instances";
import { STATS_HISTORY, useLiveStats } from "@/lib/hooks/live-stats";
import { formatBytes, formatPercent } from "@/lib/format";
import type { MessageKey } from "@/lib/i18n";
import { TimeSeriesChart, type TimeSeries, type Unit } from "../common/echart";
import { HISTORY_RANGES } from "../common/history-ranges";
import { InstanceGpus, gpuLimitMb } from "./instance-gpus";
import { useT } from "../providers/i18n";

// Container usage: while it runs, the latest numbers, the GPUs it holds and line charts of
// the last 5 minutes streamed over /stats (about a sample a second); at any time, the
// history the collector sampled (1 hour … 30 days). Charts: CPU, memory, network and disk
// IO rates, and for GPU instances GPU utilization and memory against the limit.

const RANGES = [{ key: "live", seconds: STATS_HISTORY, label: "instances.rangeLive" }, ...HISTORY_RANGES] as const satisfies readonly {
  key: string;
  seconds: number;
  label: MessageKey;
}[];
type RangeKey = (typeof RANGES)[number]["key"];

const MiB = 2 ** 20;
/** What the charts need of a live sample or a history point. */
type Point = {
  ts: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
};
type GpuPoint = { ts: string; utilization: (number | null)[]; memoryUsedMb: (number | null)[]; limitMb: number };

/** Per-second rates from cumulative counters (a counter reset gives no point). */
function rates(points: Point[], pick: (s: Point) => number): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const seconds = (Date.parse(b.ts) - Date.parse(a.ts)) / 1000;
    const delta = pick(b) - pick(a);
    if (seconds > 0 && delta >= 0) out.push([b.ts, delta / seconds]);
  }
  return out;
}

/** The GPUs' live polls as chart points: one value per held GPU. */
function liveGpuPoints(instance: TInstance, events: TGpuEvent[]): GpuPoint[] {
  return events.map((e) => {
    const mine = instance.gpus.map((g) => ({ g, r: e.gpus.find((x) => x.index === g.index) }));
    return {
      ts: e.ts,
      utilization: mine.map(({ r }) => r?.utilization ?? null),
      memoryUsedMb: mine.map(({ r }) => r?.memoryUsedMb ?? null),
      limitMb: mine.reduce((s, { g, r }) => s + gpuLimitMb(g, r), 0),
    };
  });
}

function Charts({ points, gpu, gpuNames, window }: { points: Point[]; gpu: GpuPoint[]; gpuNames: string[]; window: [number, number] | null }) {
  const t = useT();
  const cpu = useMemo<TimeSeries[]>(() => [{ name: t("instances.cpu"), points: points.map((s) => [s.ts, s.cpuPercent]) }], [points, t]);
  const memory = useMemo<TimeSeries[]>(() => [{ name: t("instances.memoryChart"), points: points.map((s) => [s.ts, s.memoryUsage]) }], [points, t]);
  const network = useMemo<TimeSeries[]>(
    () => [
      { name: t("instances.rx"), points: rates(points, (s) => s.networkRx) },
      { name: t("instances.tx"), points: rates(points, (s) => s.networkTx) },
    ],
    [points, t],
  );
  const disk = useMemo<TimeSeries[]>(
    () => [
      { name: t("instances.read"), points: rates(points, (s) => s.blockRead) },
      { name: t("instances.write"), points: rates(points, (s) => s.blockWrite) },
    ],
    [points, t],
  );
  const gpuUtil = useMemo<TimeSeries[]>(
    () => gpuNames.map((name, i) => ({ name, points: gpu.flatMap((p) => (p.utilization[i] == null ? [] : [[p.ts, p.utilization[i]] as [string, number]])) })),
    [gpu, gpuNames],
  );
  const gpuMemory = useMemo<TimeSeries[]>(
    () => [
      ...gpuNames.map((name, i) => ({
        name,
        points: gpu.flatMap((p) => (p.memoryUsedMb[i] == null ? [] : [[p.ts, p.memoryUsedMb[i] * MiB] as [string, number]])),
      })),
      { name: t("instances.gpuLimit"), dashed: true, points: gpu.map((p) => [p.ts, p.limitMb * MiB] as [string, number]) },
    ],
    [gpu, gpuNames, t],
  );
  type ChartRow = [string, TimeSeries[], Unit, string];
  const charts: ChartRow[] = [
    [t("instances.cpuChart"), cpu, "percent", "chart-cpu"],
    [t("instances.memoryChart"), memory, "bytes", "chart-memory"],
    [t("instances.networkChart"), network, "bytesPerSecond", "chart-network"],
    [t("instances.diskChart"), disk, "bytesPerSecond", "chart-disk"],
    ...(gpuNames.length
      ? ([
          [t("instances.gpuUtilChart"), gpuUtil, "percent", "chart-gpu-utilization"],
          [t("instances.gpuMemoryChart"), gpuMemory, "bytes", "chart-gpu-memory"],
        ] satisfies ChartRow[])
      : []),
  ];
  return (
    <Row gutter={[16, 16]}>
      {charts.map(([title, series, unit, testId]) => (
        <Col xs={24} lg={12} key={testId}>
          <Card size="small" title={title}>
            <TimeSeriesChart series={series} window={window} unit={unit} testId={testId} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function LiveNumbers({ last }: { last: TInstanceStats }) {
  const t = useT();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic title={t("instances.cpu")} value={formatPercent(last.cpuPercent)} data-testid="stat-cpu" />
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic
            title={t("instances.memoryUsage")}
            value={`${formatBytes(last.memoryUsage)} / ${formatBytes(last.memoryLimit)}`}
            data-testid="stat-memory"
          />
          <Progress percent={Math.round(last.memoryPercent * 10) / 10} size="small" status={last.memoryPercent > 90 ? "exception" : "normal"} />
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic title={t("instances.network")} value={`↓ ${formatBytes(last.networkRx)} · ↑ ${formatBytes(last.networkTx)}`} />
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic title={t("instances.blockIo")} value={`${formatBytes(last.blockRead)} / ${formatBytes(last.blockWrite)}`} />
          <Statistic title={t("instances.pids")} value={last.pids} styles={{ content: { fontSize: 16 } }} />
        </Card>
      </Col>
    </Row>
  );
}

function History({ instance, seconds }: { instance: TInstance; seconds: number }) {
  const t = useT();
  const history = useInstanceMetrics(instance.id, seconds);
  const data = history.data;
  const window = useMemo<[number, number] | null>(() => (data ? [Date.parse(data.from), Date.parse(data.to)] : null), [data]);
  const gpu = useMemo<GpuPoint[]>(
    () =>
      (data?.points ?? []).flatMap((p) =>
        p.gpuMemoryLimitMb === null ? [] : [{ ts: p.ts, utilization: [p.gpuUtilization], memoryUsedMb: [p.gpuMemoryUsedMb], limitMb: p.gpuMemoryLimitMb }],
      ),
    [data],
  );
  const gpuNames = useMemo(() => (gpu.length || instance.gpuCount > 0 ? ["GPU"] : []), [gpu.length, instance.gpuCount]);
  if (history.isLoading) return <Skeleton active />;
  if (history.isError || !data) return <Alert type="warning" showIcon title={t("common.loadFailed")} />;
  if (!data.points.length) return <Empty description={t("instances.historyEmpty")} data-testid="history-empty" />;
  return <Charts points={data.points} gpu={gpu} gpuNames={gpuNames} window={window} />;
}

export function InstanceStats({ instance, active }: { instance: TInstance; active: boolean }) {
  const t = useT();
  const running = instance.status === "running";
  const [chosen, setRange] = useState<RangeKey>("live");
  // History is there whether or not it runs; live only while it does.
  const range = !running && chosen === "live" ? "1h" : chosen;
  const live = useLiveStats(running && active ? [instance.id] : [], true);
  const samples = live.stats(instance.id);
  const sub = live.subscription(instance.id);
  const events = instance.nodeId ? live.gpu(instance.nodeId) : [];
  const last = samples.at(-1);
  const liveWindow = useMemo<[number, number] | null>(() => (last ? [Date.parse(last.ts) - STATS_HISTORY * 1000, Date.parse(last.ts)] : null), [last]);
  const gpuPoints = useMemo(() => liveGpuPoints(instance, events), [instance, events]);
  const gpuNames = useMemo(() => instance.gpus.map((g) => `GPU ${g.index}`), [instance.gpus]);
  const seconds = RANGES.find((r) => r.key === range)!.seconds;

  return (
    <Flex vertical gap="middle">
      <Flex justify="space-between" align="center" wrap gap="small">
        {/* Six ranges do not fit a phone: they scroll sideways instead of widening the page. */}
        <div style={{ maxWidth: "100%", overflowX: "auto" }}>
          <Segmented<RangeKey>
            value={range}
            onChange={setRange}
            options={RANGES.map((r) => ({ value: r.key, label: t(r.label), disabled: r.key === "live" && !running }))}
            data-testid="stats-range"
          />
        </div>
        {range === "live" ? (
          <Badge status={sub.live ? "processing" : "default"} text={t(sub.live ? "instances.statsLive" : "instances.statsPaused")} data-testid="stats-live" />
        ) : (
          <Typography.Text type="secondary">{t("instances.historyNote")}</Typography.Text>
        )}
      </Flex>
      {running ? (
        <>
          {sub.error && !last && <Alert type="warning" showIcon title={sub.error} />}
          {last ? <LiveNumbers last={last} /> : !sub.error && <Skeleton active paragraph={{ rows: 1 }} />}
          <InstanceGpus instance={instance} events={events} subscribed={sub.live} telemetry={sub.gpuTelemetry} />
        </>
      ) : (
        <Typography.Text type="secondary">{t("instances.statsWhenRunning")}</Typography.Text>
      )}
      {range === "live" ? (
        last && <Charts points={samples} gpu={gpuPoints} gpuNames={gpuNames} window={liveWindow} />
      ) : (
        <History instance={instance} seconds={seconds} />
      )}
    </Flex>
  );
}
