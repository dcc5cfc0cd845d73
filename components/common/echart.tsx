"use client";
import { useEffect, useMemo, useRef } from "react";
import { theme } from "antd";
import { axisScale, byteScale, formatPercent } from "@/lib/format";
import * as echarts from "echarts/core";
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

// A small ECharts host: only the parts line and bar charts need are registered (keeps the
// bundle small). The chart follows its container's size and is disposed on unmount.

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type LineChartOption = echarts.ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** `points`: how many data points it shows, and `ticks`: its value axis labels, exposed as data-points and data-ticks (for tests). */
export function EChart({
  option,
  height = 220,
  testId,
  points,
  ticks,
}: {
  option: LineChartOption;
  height?: number;
  testId?: string;
  points?: number;
  ticks?: string[];
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = el.current!;
    const c = echarts.init(node, undefined, { renderer: "canvas" });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option);
  }, [option]);

  return <div ref={el} style={{ width: "100%", height }} data-testid={testId} data-points={points} data-ticks={ticks?.join(" | ")} />;
}

export type TimeSeries = { name: string; points: [string, number][]; dashed?: boolean };
/** What the y values are: percentages, bytes or bytes per second (shown in one binary unit per chart). */
export type Unit = "percent" | "bytes" | "bytesPerSecond";

/**
 * A time axis in 24-hour numeric labels whatever the language (ECharts' own default names
 * months in English): one format per tick level.
 */
export const TIME_AXIS_LABELS = {
  year: "{yyyy}",
  month: "{yyyy}-{MM}",
  day: "{MM}-{dd}",
  hour: "{HH}:{mm}",
  minute: "{HH}:{mm}",
  second: "{HH}:{mm}:{ss}",
  millisecond: "{HH}:{mm}:{ss}",
  none: "{MM}-{dd} {HH}:{mm}",
};

/**
 * A time-axis line chart over a fixed window (early points do not stretch the axis), in the
 * theme's colours. Byte values are drawn in one unit chosen from the largest value; bytes
 * stay whole (no "0 B/s, 0 B/s, 1 B/s" from fractional ticks). The value axis has round
 * steps and as many decimals as its step needs, so no two ticks print alike ("0%" five
 * times when an idle container uses 0.02 % CPU).
 */
export function useTimeSeriesOption(series: TimeSeries[], window: [number, number] | null, unit: Unit): { option: LineChartOption; ticks: string[] } {
  const { token } = theme.useToken();
  return useMemo(() => {
    const colors = [token.colorPrimary, token.colorWarning, token.colorSuccess, token.colorError, token.purple, token.cyan];
    const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1])));
    const scale = unit === "percent" ? { divisor: 1, label: "%" } : byteScale(max);
    const axis = axisScale(max / scale.divisor, unit !== "percent" && scale.divisor === 1 ? { integer: true } : { minInterval: 0.01 });
    const suffix = unit === "bytesPerSecond" ? "/s" : "";
    const tick = (v: number) => (unit === "percent" ? `${v.toFixed(axis.decimals)}%` : `${v.toFixed(axis.decimals)} ${scale.label}${suffix}`);
    const value = (v: number) => (unit === "percent" ? formatPercent(v) : `${Number(v.toFixed(2))} ${scale.label}${suffix}`);
    const ticks = Array.from({ length: Math.round(axis.max / axis.interval) + 1 }, (_, i) => tick(i * axis.interval));
    const option: LineChartOption = {
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => value(Number(v)) },
      xAxis: {
        type: "time",
        min: window?.[0],
        max: window?.[1],
        axisLabel: { color: token.colorTextSecondary, hideOverlap: true, formatter: TIME_AXIS_LABELS },
        splitLine: { show: false },
      },
      yAxis: {
        type: "value",
        min: 0,
        max: axis.max,
        interval: axis.interval,
        axisLabel: { color: token.colorTextSecondary, formatter: tick },
        splitLine: { lineStyle: { color: token.colorBorderSecondary } },
      },
      series: series.map((s, i) => ({
        type: "line",
        name: s.name,
        showSymbol: s.points.length < 2,
        smooth: !s.dashed,
        areaStyle: s.dashed ? undefined : { opacity: 0.12 },
        lineStyle: s.dashed ? { type: "dashed", width: 1 } : undefined,
        color: s.dashed ? token.colorTextTertiary : colors[i % colors.length],
        data: s.points.map(([ts, v]) => [ts, v / scale.divisor]),
      })),
    };
    return { option, ticks };
  }, [series, window, unit, token]);
}

/** A time-series line chart; data-points counts what it shows. */
export function TimeSeriesChart({
  series,
  window,
  unit,
  testId,
  height,
}: {
  series: TimeSeries[];
  window: [number, number] | null;
  unit: Unit;
  testId?: string;
  height?: number;
}) {
  const { option, ticks } = useTimeSeriesOption(series, window, unit);
  return <EChart option={option} height={height} testId={testId} points={series.reduce((n, s) => n + s.points.length, 0)} ticks={ticks} />;
}
