import type { Definitions } from "../definitions/definitions-schema.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import type { DesignTable } from "./design-table.js";
import { directionWords, type MetricSense } from "./metric-direction.js";
import { isRate, shownInterval } from "./rate-metric.js";

export const CHART_FILE = "design-table.svg";

const GROUP_COLOURS = { baseline: "#6b7785", ours: "#2f6fde", ablation: "#d9822b" } as const;

interface ChartPoint {
  method: string;
  group: string;
  mean: number;
  /** The 95% CI of the mean; absent for a single seed. */
  lo?: number;
  hi?: number;
  n: number;
}

/**
 * The x-axis domain of one panel, from the data (not from 0): the means and their CIs, padded by
 * 10% of their span; for a rate (a [0, 1] metric) clamped to [0, 1], so no axis runs past 1.
 */
function chartDomain(points: readonly ChartPoint[], rate: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    lo = Math.min(lo, p.lo ?? p.mean, p.mean);
    hi = Math.max(hi, p.hi ?? p.mean, p.mean);
  }
  const span = hi - lo;
  const pad = span > 0 ? span * 0.1 : Math.abs(hi) > 0 ? Math.abs(hi) * 0.05 : 0.05;
  let domain: [number, number] = [lo - pad, hi + pad];
  if (rate) domain = [Math.max(0, domain[0]), Math.min(1, domain[1])];
  return [round(domain[0]), round(domain[1])];
}

/**
 * The vega-lite spec of the results chart: per dataset, one panel of the design table's cells on
 * the dataset's primary metric — a dot per method at its mean over seeds with its 95% CI as an
 * error bar, methods on the vertical axis with their full labels, the value axis from the data
 * (clamped to [0, 1] for rates) — titled with the metric and its direction; a legend of the
 * method groups present. Undefined when the table has no cell to draw. Rendering it to SVG is
 * the caller's (vega, in operations/).
 */
export function designChartSpec(table: DesignTable): Record<string, unknown> | undefined {
  const drawn: { dataset: string; metric: string; points: ChartPoint[] }[] = [];
  for (const d of table.datasets) {
    const points: ChartPoint[] = [];
    for (const m of table.methods) {
      const c = table.cell(m.id, d.id);
      if (!c) continue;
      points.push({
        method: `${m.label} (${m.group})`,
        group: m.group,
        mean: c.row.mean,
        n: c.row.n,
        ...(c.row.ci95_low == null || c.row.ci95_high == null
          ? {}
          : { lo: c.row.ci95_low, hi: c.row.ci95_high }),
      });
    }
    if (points.length > 0) drawn.push({ dataset: d.label, metric: d.metric, points });
  }
  if (drawn.length === 0) return undefined;
  // The legend lists the groups the chart shows, in a fixed order, and no other.
  const present = (["baseline", "ours", "ablation"] as const).filter((g) =>
    drawn.some((d) => d.points.some((p) => p.group === g)),
  );
  const panels = drawn.map(({ dataset, metric, points }) => {
    const sense = table.sense(metric);
    const rate = isRate(
      sense,
      metric,
      points.map((p) => p.mean),
    );
    for (const p of points)
      if (p.lo !== undefined && p.hi !== undefined) [p.lo, p.hi] = shownInterval(p.lo, p.hi, rate);
    return panel(dataset, metric, sense, points, chartDomain(points, rate), present);
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Design table (${table.phase} phase): mean over seeds with 95% confidence intervals`,
    title: {
      text: `Design table, ${table.phase} phase`,
      subtitle: "dot: mean over seeds; bar: 95% confidence interval (none for a single seed)",
      anchor: "start",
    },
    background: "white",
    padding: 12,
    vconcat: panels,
    resolve: { scale: { color: "shared", x: "independent", y: "independent" } },
    config: {
      legend: { orient: "bottom", title: "method group" },
      axis: { labelFontSize: 11, titleFontSize: 11 },
    },
  };
}

function panel(
  dataset: string,
  metric: string,
  sense: MetricSense,
  points: readonly ChartPoint[],
  domain: [number, number],
  present: readonly (keyof typeof GROUP_COLOURS)[],
): Record<string, unknown> {
  const unit = sense.unit ? ` [${sense.unit}]` : "";
  return {
    title: {
      text: `${dataset}: ${sense.label}${unit} (${directionWords(sense.direction)})`,
      anchor: "start",
      fontSize: 13,
    },
    width: 380,
    height: { step: 26 },
    data: { values: points },
    encoding: {
      y: {
        field: "method",
        type: "nominal",
        sort: null,
        title: null,
        axis: { labelLimit: 0, labelFontSize: 12 },
      },
    },
    layer: [
      {
        transform: [{ filter: "isValid(datum.lo)" }],
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x: {
            field: "lo",
            type: "quantitative",
            scale: { domain, zero: false, nice: false, clamp: true },
            title: `${metric}${unit}: mean over seeds, 95% CI`,
          },
          x2: { field: "hi" },
          color: colour(present),
        },
      },
      {
        mark: { type: "point", filled: true, size: 90, tooltip: true },
        encoding: {
          x: {
            field: "mean",
            type: "quantitative",
            scale: { domain, zero: false, nice: false, clamp: true },
            title: `${metric}${unit}: mean over seeds, 95% CI`,
          },
          color: colour(present),
        },
      },
    ],
  };
}

const colour = (present: readonly (keyof typeof GROUP_COLOURS)[]) => ({
  field: "group",
  type: "nominal",
  title: "method group",
  scale: { domain: present, range: present.map((g) => GROUP_COLOURS[g]) },
});

const round = (x: number) => Number(x.toPrecision(6));

/**
 * A spec of the same shape as the results chart (every method on every dataset, placeholder
 * values), known before any result is read: rendering it first warms the renderer up (vega
 * compiles its code paths on first use), so the real chart at the end takes less time.
 */
export function warmUpChartSpec(
  defs: Pick<Definitions, "methods" | "datasets">,
): Record<string, unknown> | undefined {
  const row = { mean: 0.5, std: 0.1, n: 2, ci95_low: 0.4, ci95_high: 0.6 } as AggregatedRow;
  return designChartSpec({
    phase: "full",
    methods: defs.methods,
    datasets: defs.datasets,
    cell: () => ({ row, variants: 1, best: false, direction: "higher" }),
    sense: (metric) => ({ direction: "higher", source: "guessed", label: metric }),
    direction: () => "higher",
    hypotheses: [],
  });
}
