"use client";
import { useMemo } from "react";
import { theme } from "antd";
import { EChart, type LineChartOption } from "./echart";

// A tiny percentage line (no axes) for lists: the last minutes of a value at a glance.

export function Sparkline({ points, max = 100, width = 120, testId }: { points: [string, number][]; max?: number; width?: number; testId?: string }) {
  const { token } = theme.useToken();
  const option = useMemo<LineChartOption>(
    () => ({
      animation: false,
      grid: { left: 0, right: 0, top: 2, bottom: 2 },
      xAxis: { type: "time", show: false },
      yAxis: { type: "value", show: false, min: 0, max },
      series: [
        { type: "line", data: points, showSymbol: false, smooth: true, lineStyle: { width: 1.5 }, areaStyle: { opacity: 0.15 }, color: token.colorPrimary },
      ],
    }),
    [points, max, token],
  );
  return (
    <div style={{ width }}>
      <EChart option={option} height={32} testId={testId} points={points.length} />
    </div>
  );
}
