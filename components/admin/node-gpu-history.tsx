"use client";
import { useMemo, useState } from "react";
import { Alert, Card, Empty, Flex, Segmented, Skeleton, Typography } from "antd";
import { useNodeMetrics } from "@/lib/hooks/metrics";
import { TimeSeriesChart, type TimeSeries } from "../common/echart";
import { HISTORY_RANGES, type HistoryRange } from "../common/history-ranges";
import { useT } from "../providers/i18n";

// A node's GPU telemetry over time, per GPU: utilization and memory used (raw polls within
// a day, one-minute averages beyond), or why the node reports none.

const MiB = 2 ** 20;

export function NodeGpuHistory({ nodeId }: { nodeId: string }) {
  const t = useT();
  const [range, setRange] = useState<HistoryRange>("1h");
  const seconds = HISTORY_RANGES.find((r) => r.key === range)!.seconds;
  const metrics = useNodeMetrics(nodeId, seconds);
  const m = metrics.data;
  const window = useMemo<[number, number] | null>(() => (m ? [Date.parse(m.from), Date.parse(m.to)] : null), [m]);
  const utilization = useMemo<TimeSeries[]>(
    () =>
      (m?.gpus ?? []).map((g) => ({
        name: `GPU ${g.index}`,
        points: g.points.flatMap((p) => (p.utilization === null ? [] : [[p.ts, p.utilization] as [string, number]])),
      })),
    [m],
  );
  const memory = useMemo<TimeSeries[]>(
    () =>
      (m?.gpus ?? []).map((g) => ({
        name: `GPU ${g.index}`,
        points: g.points.flatMap((p) => (p.memoryUsedMb === null ? [] : [[p.ts, p.memoryUsedMb * MiB] as [string, number]])),
      })),
    [m],
  );
  return (
    <Flex vertical gap="small" data-testid="node-gpu-history">
      <Flex justify="space-between" align="center" wrap gap="small">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t("nodes.gpuTelemetry")}
        </Typography.Title>
        <Segmented<HistoryRange> size="small" value={range} onChange={setRange} options={HISTORY_RANGES.map((r) => ({ value: r.key, label: t(r.label) }))} />
      </Flex>
      {m?.problem && <Alert type="info" showIcon title={m.problem} data-testid="gpu-telemetry-problem" />}
      {metrics.isLoading ? (
        <Skeleton active />
      ) : metrics.isError || !m ? (
        <Alert type="warning" showIcon title={t("common.loadFailed")} />
      ) : !m.gpus.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("nodes.noGpuHistory")} />
      ) : (
        <>
          <Card size="small" title={t("instances.gpuUtilChart")}>
            <TimeSeriesChart series={utilization} window={window} unit="percent" height={180} testId="node-chart-utilization" />
          </Card>
          <Card size="small" title={t("instances.gpuMemoryChart")}>
            <TimeSeriesChart series={memory} window={window} unit="bytes" height={180} testId="node-chart-memory" />
          </Card>
        </>
      )}
    </Flex>
  );
}
