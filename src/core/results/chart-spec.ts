import type { Definitions } from "../definitions/definitions-schema.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import type { DesignTable } from "./design-table.js";

export const CHART_FILE = "design-table.svg";

/**
 * The vega-lite spec of the results chart: the design table's cells as bars (mean over seeds)
 * with ±1 std error bars, one panel per dataset, coloured by method group. Undefined when the
 * table has no cell to draw. Rendering it to SVG is the caller's (vega, in operations/).
 */
export function designChartSpec(table: DesignTable): Record<string, unknown> | undefined {
  const values: Record<string, unknown>[] = [];
  for (const d of table.datasets)
    for (const m of table.methods) {
      const c = table.cell(m.id, d.id);
      if (!c) continue;
      values.push({
        dataset: `${d.label} (${d.metric})`,
        method: m.label,
        group: m.group,
        mean: c.row.mean,
        lo: c.row.mean - c.row.std,
        hi: c.row.mean + c.row.std,
      });
    }
  if (values.length === 0) return undefined;
  const methodOrder = table.methods.map((m) => m.label);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Design table (${table.phase} phase): mean over seeds, error bars ±1 std`,
    background: "white",
    data: { values },
    facet: { column: { field: "dataset", type: "nominal", title: null, sort: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 30 * table.methods.length + 40,
      height: 220,
      encoding: {
        x: {
          field: "method",
          type: "nominal",
          sort: methodOrder,
          title: null,
          axis: { labelAngle: -40, labelLimit: 160 },
        },
      },
      layer: [
        {
          mark: { type: "bar", tooltip: true },
          encoding: {
            y: {
              field: "mean",
              type: "quantitative",
              title: "mean over seeds",
              scale: { zero: false },
            },
            color: {
              field: "group",
              type: "nominal",
              title: "group",
              scale: {
                domain: ["baseline", "ours", "ablation"],
                range: ["#9aa5b1", "#2f6fde", "#e8a33d"],
              },
            },
          },
        },
        {
          mark: { type: "errorbar", ticks: true },
          encoding: {
            y: { field: "lo", type: "quantitative", title: "mean over seeds" },
            y2: { field: "hi" },
          },
        },
      ],
    },
  };
}

/**
 * A spec of the same shape as the results chart (every method on every dataset, placeholder
 * values), known before any result is read: rendering it first warms the renderer up (vega
 * compiles its code paths on first use), so the real chart at the end takes less time.
 */
export function warmUpChartSpec(
  defs: Pick<Definitions, "methods" | "datasets">,
): Record<string, unknown> | undefined {
  const row = { mean: 0.5, std: 0.1 } as AggregatedRow;
  return designChartSpec({
    phase: "full",
    methods: defs.methods,
    datasets: defs.datasets,
    cell: () => ({ row, variants: 1, best: false }),
  });
}
