import "uplot/dist/uPlot.min.css";

import { useEffect, useRef } from "react";
import uPlot, { type AlignedData, type Options } from "uplot";

export interface ChartSeries {
  label: string;
  color: string;
  scale?: string;
  dash?: number[];
  width?: number;
  points?: boolean;
}

export interface ChartAxis {
  scale: string;
  label: string;
  side?: "left" | "right";
  log?: boolean;
  range?: [number, number];
}

export interface TimeSeriesChartProps {
  /** x in epoch seconds, then one array per series (null for a gap). */
  data: AlignedData;
  series: ChartSeries[];
  axes: ChartAxis[];
  height?: number;
  label: string;
  /** Set on the container once drawn (the benchmark waits for it). */
  name?: string;
}

function options(props: TimeSeriesChartProps, width: number): Options {
  const scales: Options["scales"] = { x: { time: true } };
  for (const axis of props.axes) {
    scales[axis.scale] = axis.log ? { distr: 3, log: 10 } : axis.range ? { range: axis.range } : {};
  }
  return {
    width,
    height: props.height ?? 260,
    scales,
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 1.5,
        scale: s.scale ?? props.axes[0]?.scale ?? "y",
        spanGaps: false,
        points: { show: s.points ?? false },
        ...(s.dash ? { dash: s.dash } : {}),
      })),
    ],
    axes: [
      {},
      ...props.axes.map((axis) => ({
        scale: axis.scale,
        label: axis.label,
        side: axis.side === "right" ? 1 : 3,
        grid: { show: axis.side !== "right" },
        size: 60,
      })),
    ],
  };
}

/** uPlot (draws 100k points smoothly), sized to its container and redrawn on new data. */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify([props.series, props.axes, props.height]);

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const chart = new uPlot(options(props, element.clientWidth || 600), props.data, element);
    plot.current = chart;
    element.dataset.drawn = "true";
    const resize = () => chart.setSize({ width: element.clientWidth || 600, height: props.height ?? 260 });
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(resize);
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = null;
      delete element.dataset.drawn;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  return <div ref={box} className="chart" role="img" aria-label={props.label} data-chart={props.name} />;
}
