import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Renders a vega-lite spec to an SVG string with vega in Node: no browser and no canvas (vega
 * estimates text widths without one). The spec carries its data inline; no loader is used.
 */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
