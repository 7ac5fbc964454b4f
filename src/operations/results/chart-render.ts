import type { TopLevelSpec } from "vega-lite";

/** vega and vega-lite, as `import()` gives them. */
export type ChartModules = [typeof import("vega"), typeof import("vega-lite")];

/** Starts importing vega and vega-lite (~0.3 s of parsing and compiling modules). */
export const importChartModules = (): Promise<ChartModules> =>
  Promise.all([import("vega"), import("vega-lite")]);

/**
 * Renders a vega-lite spec to an SVG string with vega in Node: no browser and no canvas (vega
 * estimates text widths without one). The spec carries its data inline; no loader is used.
 */
export async function renderWith(
  [{ parse, View }, { compile }]: ChartModules,
  spec: Record<string, unknown>,
): Promise<string> {
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
