import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { Night } from "../core/nightly/nightly-history.js";
import { trendChartSpec } from "../core/nightly/trend-chart-spec.js";

/**
 * Draws the nightly trend chart as SVG with vega-lite -> vega in Node: no browser, no canvas
 * (the "none" renderer; text widths are estimated), no network (the data is inline).
 */
export async function renderTrendSvg(history: readonly Night[], title?: string): Promise<string> {
  const spec = trendChartSpec(history, title === undefined ? {} : { title });
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
