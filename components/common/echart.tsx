"use client";
import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { LineChart, type LineSeriesOption } from "echarts/charts";
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

// A small ECharts host: only the parts line charts need are registered (keeps the bundle
// small). The chart follows its container's size and is disposed on unmount.

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type LineChartOption = echarts.ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;

export function EChart({ option, height = 220, testId }: { option: LineChartOption; height?: number; testId?: string }) {
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

  return <div ref={el} style={{ width: "100%", height }} data-testid={testId} />;
}
