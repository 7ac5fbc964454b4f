import type { Definitions, ResolvedExperiment } from "../definitions/definitions-schema.js";
import { type Direction, isBetter, metricDirections } from "./metric-direction.js";
import type { StatsAccumulator } from "./stats-accumulator.js";

/** One row of aggregated.csv / aggregated.json (SPEC §5). */
export interface AggregatedRow {
  exp_id: string;
  method: string;
  dataset: string;
  metric: string;
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Best mean of its dataset column (same metric and phase) by the hypothesis direction. */
  best: boolean;
  /** mean minus the baseline's mean, where the experiment declares a baseline; else null. */
  delta_vs_baseline: number | null;
  /** The baseline method the delta is against, or "expected" for a declared expected value. */
  baseline: string | null;
  group: string;
  phase: string;
  direction: Direction;
}

/** Rounds away float noise (0.30000000000000004) while keeping every meaningful digit. */
export const clean = (x: number) => Number(x.toPrecision(12));

export function aggregateRows(
  acc: StatsAccumulator,
  defs: Pick<Definitions, "hypotheses" | "methods">,
  experiments: readonly ResolvedExperiment[],
): AggregatedRow[] {
  const direction = metricDirections(defs);
  const groupOf = new Map(defs.methods.map((m) => [m.id, m.group as string]));
  const expById = new Map(experiments.map((e) => [e.id, e]));
  const rows: AggregatedRow[] = [];
  const experimentOf: (ResolvedExperiment | undefined)[] = [];
  for (const { key, stats } of acc.series.values()) {
    experimentOf.push(expById.get(key.experiment) ?? expById.get(experimentIdOf(key.exp_id)));
    rows.push({
      exp_id: key.exp_id,
      method: key.method,
      dataset: key.dataset,
      metric: key.metric,
      n: stats.n,
      mean: clean(stats.mean),
      std: clean(stats.std),
      min: stats.min,
      max: stats.max,
      best: false,
      delta_vs_baseline: null,
      baseline: null,
      group: groupOf.get(key.method) ?? "",
      phase: key.phase,
      direction: direction(key.metric),
    });
  }

  // One pass to find each column's best mean, then one to mark rows and compute deltas.
  const column = (r: Pick<AggregatedRow, "phase" | "dataset" | "metric">) =>
    `${r.phase}\u0000${r.dataset}\u0000${r.metric}`;
  const bestOf = new Map<string, number>();
  const bestByMethod = new Map<string, number>();
  for (const r of rows) {
    const c = column(r);
    const b = bestOf.get(c);
    if (b === undefined || isBetter(r.mean, b, r.direction)) bestOf.set(c, r.mean);
    const m = `${c}\u0000${r.method}`;
    const bm = bestByMethod.get(m);
    if (bm === undefined || isBetter(r.mean, bm, r.direction)) bestByMethod.set(m, r.mean);
  }
  rows.forEach((r, i) => {
    r.best = r.mean === bestOf.get(column(r));
    const baseline = experimentOf[i]?.baseline;
    if (!baseline || baseline.method === r.method) return;
    const measured = bestByMethod.get(`${column(r)}\u0000${baseline.method}`);
    const expected = baseline.expected?.[r.metric];
    if (measured !== undefined) {
      r.delta_vs_baseline = clean(r.mean - measured);
      r.baseline = baseline.method;
    } else if (expected !== undefined) {
      r.delta_vs_baseline = clean(r.mean - expected);
      r.baseline = "expected";
    }
  });
  return rows;
}

/** The definitions' experiment id of a variant id `<exp>[__k-v...]`. */
function experimentIdOf(variant: string): string {
  const i = variant.indexOf("__");
  return i > 0 ? variant.slice(0, i) : variant;
}
