"use client";
import { useMemo } from "react";
import { Alert, Card, Col, Empty, Progress, Row, Skeleton, Statistic, theme } from "antd";
import type { TInstance, TInstanceStats } from "@/lib/contracts/instances";
import { STATS_HISTORY, STATS_POLL_MS, useInstanceStats } from "@/lib/hooks/instances";
import { formatBytes, formatPercent } from "@/lib/format";
import { EChart, type LineChartOption } from "../common/echart";
import { errorText } from "../common/error-text";
import { useT } from "../providers/i18n";

// Container usage while it runs, polled every few seconds: the latest numbers and line
// charts of CPU and memory over the last samples.

function useLineOption(history: TInstanceStats[], pick: (s: TInstanceStats) => number, unit: string, tooltip: (v: number) => string): LineChartOption {
  const { token } = theme.useToken();
  return useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => tooltip(Number(v)) },
      // A fixed window ending at the newest sample: a single early point does not stretch the axis over days.
      xAxis: {
        type: "time",
        min: history.length ? Date.parse(history.at(-1)!.ts) - WINDOW_MS : undefined,
        max: history.length ? Date.parse(history.at(-1)!.ts) : undefined,
        axisLabel: { color: token.colorTextSecondary, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: { type: "value", min: 0, axisLabel: { color: token.colorTextSecondary, formatter: `{value} ${unit}` }, splitLine: { lineStyle: { color: token.colorBorderSecondary } } },
      series: [{ type: "line", showSymbol: history.length < 2, smooth: true, areaStyle: { opacity: 0.15 }, color: token.colorPrimary, data: history.map((s) => [s.ts, pick(s)]) }],
    }),
    [history, pick, unit, tooltip, token],
  );
}

const MIB = 2 ** 20;
const WINDOW_MS = STATS_HISTORY * STATS_POLL_MS;
const cpuOf = (s: TInstanceStats) => s.cpuPercent;
// Charted in MiB so the axis gets round numbers.
const memoryMibOf = (s: TInstanceStats) => s.memoryUsage / MIB;
const mibText = (v: number) => formatBytes(Math.round(v * MIB));

export function InstanceStats({ instance, active }: { instance: TInstance; active: boolean }) {
  const t = useT();
  const running = instance.status === "running";
  const stats = useInstanceStats(instance.id, running && active);
  const history = useMemo(() => stats.data ?? [], [stats.data]);
  const last = history.at(-1);
  const cpuOption = useLineOption(history, cpuOf, "%", formatPercent);
  const memoryOption = useLineOption(history, memoryMibOf, "MB", mibText);

  if (!running) return <Empty description={t("instances.statsWhenRunning")} />;
  if (stats.isError && !last) return <Alert type="warning" showIcon title={errorText(t, stats.error)} />;
  if (!last) return <Skeleton active />;
  return (
    <Row gutter={[16, 16]}>
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
      <Col xs={24} lg={12}>
        <Card size="small" title={t("instances.cpuChart")}>
          <EChart option={cpuOption} testId="chart-cpu" />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t("instances.memoryChart")}>
          <EChart option={memoryOption} testId="chart-memory" />
        </Card>
      </Col>
    </Row>
  );
}
