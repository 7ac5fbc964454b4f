import type { Night } from "../core/nightly/nightly-history.js";
import { trendChartSpec } from "../core/nightly/trend-chart-spec.js";
import { renderChartSvg } from "./results/render-chart-svg.js";

/** The nightly trend chart as SVG: vega-lite -> vega in Node, the same renderer as the results chart. */
export function renderTrendSvg(history: readonly Night[], title?: string): Promise<string> {
  return renderChartSvg(trendChartSpec(history, title === undefined ? {} : { title }));
}
