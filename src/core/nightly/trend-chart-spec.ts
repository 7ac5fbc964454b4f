import type { Night } from "./nightly-history.js";

/**
 * A vega-lite spec of the nightly trend: one line per (exp_id, metric) over the nights, with the
 * seed spread (mean ± std) as a band, one panel per metric so accuracy and loss do not share an
 * axis. Rendered to SVG by vega in Node (`src/operations/nightly-trend-svg.ts`).
 */
export function trendChartSpec(
  history: readonly Night[],
  opts: { title?: string } = {},
): Record<string, unknown> {
  const values = history.flatMap((night) =>
    night.rows.map((r) => ({
      night: night.date,
      series: r.exp_id,
      metric: r.metric,
      mean: r.mean,
      lo: r.mean - r.std,
      hi: r.mean + r.std,
    })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: opts.title ?? "labgate nightly trend",
    data: { values },
    facet: { row: { field: "metric", type: "nominal", title: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 560,
      height: 180,
      encoding: {
        x: {
          field: "night",
          type: "temporal",
          title: "night",
          axis: { format: "%Y-%m-%d", labelAngle: -30 },
        },
        color: { field: "series", type: "nominal", title: "exp_id" },
      },
      layer: [
        {
          mark: { type: "area", opacity: 0.15 },
          encoding: {
            y: { field: "lo", type: "quantitative", scale: { zero: false }, title: "mean ± std" },
            y2: { field: "hi" },
          },
        },
        {
          mark: { type: "line", point: true },
          encoding: {
            y: { field: "mean", type: "quantitative", scale: { zero: false } },
            tooltip: [
              { field: "night", type: "temporal" },
              { field: "series", type: "nominal" },
              { field: "mean", type: "quantitative", format: ".4g" },
            ],
          },
        },
      ],
    },
  };
}
