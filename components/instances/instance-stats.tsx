"use client";
import { useMemo } from "react";
import { Alert, Badge, Card, Col, Empty, Progress, Row, Skeleton, Statistic, theme } from "antd";
import type { TInstance, TInstanceStats } from "@/lib/contracts/instances";
import { STATS_HISTORY, useInstanceStats } from "@/lib/hooks/instances";
import { formatBytes, formatPercent } from "@/lib/format";
import { EChart, type LineChartOption } from "../common/echart";
import { useT } from "../providers/i18n";

// Container usage while it runs, streamed about every second over /stats: the latest
// numbers and line charts of the last 5 minutes: CPU, memory, network and disk IO rates.

const WINDOW_MS = STATS_HISTORY * 1000;

type Series = { name: string; points: [string, number][] };

function useLineOption(history: TInstanceStats[], series: Series[], axisLabel: (v: number) => string): LineChartOption {
  const { token } = theme.useToken();
  return useMemo(() => {
    const last = history.at(-1);
    const colors = [token.colorPrimary, token.colorWarning];
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => axisLabel(Number(v)) },
      // A fixed window ending at the newest sample: early points do not stretch the axis.
      xAxis: {
        type: "time",
        min: last ? Date.parse(last.ts) - WINDOW_MS : undefined,
        max: last ? Date.parse(last.ts) : undefined,
        axisLabel: { color: token.colorTextSecondary, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: { type: "value", min: 0, axisLabel: { color: token.colorTextSecondary, formatter: (v: number) => axisLabel(v) }, splitLine: { lineStyle: { color: token.colorBorderSecondary } } },
      series: series.map((s, i) => ({ type: "line", name: s.name, showSymbol: history.length < 2, smooth: true, areaStyle: { opacity: 0.12 }, color: colors[i % colors.length], data: s.points })),
    };
  }, [history, series, axisLabel, token]);
}

/** Per-second rates from cumulative counters (a counter reset gives no point). */
function rates(history: TInstanceStats[], pick: (s: TInstanceStats) => number): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1]!;
    const b = history[i]!;
    const seconds = (Date.parse(b.ts) - Date.parse(a.ts)) / 1000;
    const delta = pick(b) - pick(a);
    if (seconds > 0 && delta >= 0) out.push([b.ts, delta / seconds]);
  }
  return out;
}

const bytesPerSecond = (v: number) => `${formatBytes(Math.round(v))}/s`;

export function InstanceStats({ instance, active }: { instance: TInstance; active: boolean }) {
  const t = useT();
  const running = instance.status === "running";
  const stats = useInstanceStats(instance.id, running && active);
  const history = stats.data;
  const last = history.at(-1);

  const cpu = useMemo(() => [{ name: t("instances.cpu"), points: history.map((s) => [s.ts, s.cpuPercent] as [string, number]) }], [history, t]);
  const memory = useMemo(() => [{ name: t("instances.memoryChart"), points: history.map((s) => [s.ts, s.memoryUsage] as [string, number]) }], [history, t]);
  const network = useMemo(
    () => [
      { name: t("instances.rx"), points: rates(history, (s) => s.networkRx) },
      { name: t("instances.tx"), points: rates(history, (s) => s.networkTx) },
    ],
    [history, t],
  );
  const disk = useMemo(
    () => [
      { name: t("instances.read"), points: rates(history, (s) => s.blockRead) },
      { name: t("instances.write"), points: rates(history, (s) => s.blockWrite) },
    ],
    [history, t],
  );
  const cpuOption = useLineOption(history, cpu, formatPercent);
  const memoryOption = useLineOption(history, memory, (v) => formatBytes(Math.round(v)));
  const networkOption = useLineOption(history, network, bytesPerSecond);
  const diskOption = useLineOption(history, disk, bytesPerSecond);

  if (!running) return <Empty description={t("instances.statsWhenRunning")} />;
  if (stats.error && !last) return <Alert type="warning" showIcon title={stats.error} />;
  if (!last) return <Skeleton active />;
  const charts: [string, LineChartOption, string][] = [
    [t("instances.cpuChart"), cpuOption, "chart-cpu"],
    [t("instances.memoryChart"), memoryOption, "chart-memory"],
    [t("instances.networkChart"), networkOption, "chart-network"],
    [t("instances.diskChart"), diskOption, "chart-disk"],
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Badge status={stats.live ? "processing" : "default"} text={t(stats.live ? "instances.statsLive" : "instances.statsPaused")} data-testid="stats-live" />
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic title={t("instances.cpu")} value={formatPercent(last.cpuPercent)} data-testid="stat-cpu" />
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card size="small">
          <Statistic title={t("instances.memoryUsage")} value={`${formatBytes(last.memoryUsage)} / ${formatBytes(last.memoryLimit)}`} data-testid="stat-memory" />
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
      {charts.map(([title, option, testId]) => (
        <Col xs={24} lg={12} key={testId}>
          <Card size="small" title={title}>
            <EChart option={option} testId={testId} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
