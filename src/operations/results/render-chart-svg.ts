import type { TopLevelSpec } from "vega-lite";

/**
 * Renders a vega-lite spec to an SVG string with vega in Node: no browser and no canvas (vega
 * estimates text widths without one). The spec carries its data inline; no loader is used.
 * vega and vega-lite are imported on first use: they take ~0.3 s to load, which every other
 * CLI command (all import this module's callers) should not pay.
 */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
