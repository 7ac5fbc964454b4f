import type { TopLevelSpec } from "vega-lite";

type ChartRenderer = [typeof import("vega"), typeof import("vega-lite")];

let loading: Promise<ChartRenderer> | undefined;

/**
 * Starts loading vega and vega-lite (~0.3 s) if not already started, once per process. An export
 * calls it before it streams the runs, so the modules' files are read while it waits on its own
 * I/O rather than after; a failure surfaces in renderChartSvg, not here.
 */
export function preloadChartRenderer(): Promise<ChartRenderer> {
  if (loading === undefined) {
    loading = Promise.all([import("vega"), import("vega-lite")]);
    loading.catch(() => {
      loading = undefined; // retried (and reported) by the next renderChartSvg
    });
  }
  return loading;
}

/**
 * Renders a vega-lite spec to an SVG string with vega in Node: no browser and no canvas (vega
 * estimates text widths without one). The spec carries its data inline; no loader is used.
 * vega and vega-lite are imported on first use: they take ~0.3 s to load, which every other
 * CLI command (all import this module's callers) should not pay.
 */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<string> {
  const [{ parse, View }, { compile }] = await preloadChartRenderer();
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
