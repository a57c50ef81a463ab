import type { ActivityPoint } from "./report-service.ts";

type ECharts = typeof import("echarts/core");
let echarts: ECharts | null = null;

/**
 * echarts (≈ 15 MB of heap once loaded) is only loaded the first time a chart is
 * drawn, so a server nobody looks at keeps its idle memory small.
 */
function lib(): ECharts {
  if (echarts) return echarts;
  const core = require("echarts/core") as ECharts;
  const { BarChart, LineChart } = require("echarts/charts") as typeof import("echarts/charts");
  const { GridComponent, LegendComponent } = require("echarts/components") as typeof import("echarts/components");
  const { SVGRenderer } = require("echarts/renderers") as typeof import("echarts/renderers");
  core.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);
  return (echarts = core);
}

export interface ChartText {
  title: string;
  received: string;
  sent: string;
  opened: string;
  closed: string;
}

const COLORS = { received: "#0f766e", sent: "#5eead4", opened: "#b54708", closed: "#475467" };

/**
 * The activity chart as SVG, drawn on the server: bars for messages received and
 * sent, lines for conversations opened and finalized. `labels` are the buckets'
 * names as the viewer reads them (14:00, 02 dic). The SVG carries no inline
 * styles or <style> (the panel's CSP forbids them): styles become attributes.
 */
export function activityChartSvg(points: ActivityPoint[], labels: string[], text: ChartText, size: { width: number; height: number }): string {
  const chart = lib().init(null, null, { renderer: "svg", ssr: true, width: size.width, height: size.height });
  try {
    const narrow = size.width < 500;
    const series = (key: keyof typeof COLORS, name: string, type: "bar" | "line") => ({
      type,
      name,
      data: points.map((p) => p[key]),
      itemStyle: { color: COLORS[key] },
      lineStyle: { color: COLORS[key], width: 2 },
      symbolSize: narrow ? 3 : 5,
      emphasis: { disabled: true },
      barMaxWidth: 18,
    });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "system-ui, sans-serif", fontSize: narrow ? 11 : 12, color: "#5f6b7d" },
      legend: { top: 0, itemWidth: 14, itemHeight: 10, itemGap: 16, textStyle: { color: "#1d2330" } },
      grid: { left: narrow ? 34 : 44, right: 12, top: narrow ? 52 : 36, bottom: 28 },
      xAxis: { type: "category", data: labels, axisTick: { alignWithLabel: true }, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e3e6ea" } } },
      series: [series("received", text.received, "bar"), series("sent", text.sent, "bar"), series("opened", text.opened, "line"), series("closed", text.closed, "line")],
    });
    return withoutInlineStyles(chart.renderToSVGString(), text.title);
  } finally {
    chart.dispose();
  }
}

/** `style="a:b;c:d"` → `a="b" c="d"` (SVG presentation attributes); hover rules dropped; a title for screen readers. */
function withoutInlineStyles(svg: string, title: string): string {
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/ style="([^"]*)"/g, (_, css: string) =>
      css
        .split(";")
        .map((d) => d.split(":").map((x) => x.trim()))
        .filter(([k, v]) => k && v && /^[a-z-]+$/.test(k))
        .map(([k, v]) => ` ${k}="${v!.replace(/"/g, "&quot;")}"`)
        .join(""),
    )
    .replace(/^<svg /, `<svg role="img" aria-label="${title.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}" class="chart" `);
}
