import type { Definitions, ResolvedExperiment } from "../definitions/definitions-schema.js";
import { variantParts } from "../plan/run-id.js";
import {
  type Change,
  changeOf,
  type Direction,
  type DirectionDefinitions,
  type DirectionSource,
  isBetter,
  metricSenses,
} from "./metric-direction.js";
import { type Difference, meanCi95, pairedDifference, welchDifference } from "./seed-statistics.js";
import type { Series, StatsAccumulator } from "./stats-accumulator.js";
import { sweepSelector } from "./sweep-variant.js";

/** One row of aggregated.csv / aggregated.json (docs/results.md). */
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
  /** Whether the direction was declared, taken from a hypothesis, or guessed from the name. */
  direction_source: DirectionSource;
  /** 95% CI of the mean over seeds (Student t, n - 1 df); null for a single seed. */
  ci95_low: number | null;
  ci95_high: number | null;
  /** Whether `delta_vs_baseline` is an improvement for the metric's direction. */
  change: Change | null;
  /** 95% CI of the difference of means vs the measured baseline; null without one or with n < 2. */
  delta_ci95_low: number | null;
  delta_ci95_high: number | null;
  /** Two-sided p-value of that difference (Welch's t-test, or paired t-test on shared seeds). */
  p_value: number | null;
  /** "paired" or "welch": which test gave `p_value`. */
  test: Difference["test"] | null;
}

/** Rounds away float noise (0.30000000000000004) while keeping every meaningful digit. */
export const clean = (x: number) => Number(x.toPrecision(12));

export function aggregateRows(
  acc: StatsAccumulator,
  defs: Pick<Definitions, "methods"> & DirectionDefinitions,
  experiments: readonly ResolvedExperiment[],
): AggregatedRow[] {
  const sense = metricSenses(defs);
  const groupOf = new Map(defs.methods.map((m) => [m.id, m.group as string]));
  const expById = new Map(experiments.map((e) => [e.id, e]));
  const rows: AggregatedRow[] = [];
  const experimentOf: (ResolvedExperiment | undefined)[] = [];
  const seriesOf: Series[] = [];
  for (const series of acc.series.values()) {
    const { key, stats } = series;
    seriesOf.push(series);
    experimentOf.push(expById.get(key.experiment) ?? expById.get(experimentIdOf(key.exp_id)));
    const { direction, source } = sense(key.metric);
    const ci = meanCi95(stats);
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
      direction,
      direction_source: source,
      ci95_low: ci ? clean(ci.low) : null,
      ci95_high: ci ? clean(ci.high) : null,
      change: null,
      delta_ci95_low: null,
      delta_ci95_high: null,
      p_value: null,
      test: null,
    });
  }

  // One pass to find each column's best mean, then one to mark rows and compute deltas.
  const column = (r: Pick<AggregatedRow, "phase" | "dataset" | "metric">) =>
    `${r.phase}\u0000${r.dataset}\u0000${r.metric}`;
  const bestOf = new Map<string, number>();
  /** Per column and method: the method's variants (its sweep), of which one is compared with. */
  const variantsOf = new Map<string, AggregatedRow[]>();
  for (const r of rows) {
    const c = column(r);
    const b = bestOf.get(c);
    if (b === undefined || isBetter(r.mean, b, r.direction)) bestOf.set(c, r.mean);
    const m = `${c}\u0000${r.method}`;
    const list = variantsOf.get(m);
    if (list) list.push(r);
    else variantsOf.set(m, [r]);
  }
  /** Per column and method: the index of the variant its sweep selects (the baseline to compare with). */
  const select = sweepSelector(rows, (m) => sense(m).direction);
  const index = new Map(rows.map((r, i) => [r, i]));
  const bestByMethod = new Map<string, number>();
  for (const [m, list] of variantsOf)
    bestByMethod.set(m, index.get(select(list) as AggregatedRow) as number);
  rows.forEach((r, i) => {
    r.best = r.mean === bestOf.get(column(r));
    const baseline = experimentOf[i]?.baseline;
    if (!baseline || baseline.method === r.method) return;
    const measured = bestByMethod.get(`${column(r)}\u0000${baseline.method}`);
    const expected = baseline.expected?.[r.metric];
    if (measured !== undefined) {
      const base = rows[measured] as AggregatedRow;
      r.delta_vs_baseline = clean(r.mean - base.mean);
      r.baseline = baseline.method;
      const d = difference(seriesOf[i] as Series, seriesOf[measured] as Series);
      if (d) {
        r.delta_ci95_low = clean(d.low);
        r.delta_ci95_high = clean(d.high);
        r.p_value = clean(d.p);
        r.test = d.test;
      }
    } else if (expected !== undefined) {
      r.delta_vs_baseline = clean(r.mean - expected);
      r.baseline = "expected";
    }
    if (r.delta_vs_baseline !== null) r.change = changeOf(r.delta_vs_baseline, r.direction);
  });
  return rows;
}

/**
 * a minus b over seeds: the paired t-test when both ran the same distinct seeds (each seed's
 * difference), Welch's t-test otherwise.
 */
function difference(a: Series, b: Series): Difference | undefined {
  const bySeed = pairs(b);
  if (bySeed && a.values.length === b.values.length) {
    const diffs: number[] = [];
    a.values.forEach((v, i) => {
      const other = bySeed.get(a.seeds[i] as number);
      // clean(): 0.85 - 0.8 is 0.04999999999999993; such noise made a spread (and a p-value) out of nothing.
      if (other !== undefined) diffs.push(clean(v - other));
    });
    const seeds = new Set(a.seeds);
    if (diffs.length === a.values.length && seeds.size === a.seeds.length && !seeds.has(null))
      return pairedDifference(diffs);
  }
  const summary = (s: Series) => ({
    n: s.stats.n,
    mean: clean(s.stats.mean),
    std: clean(s.stats.std),
  });
  return welchDifference(summary(a), summary(b));
}

/** seed -> value, or undefined when a seed is missing or repeats. */
function pairs(s: Series): Map<number, number> | undefined {
  const m = new Map<number, number>();
  for (let i = 0; i < s.values.length; i++) {
    const seed = s.seeds[i];
    if (seed === null || seed === undefined || m.has(seed)) return undefined;
    m.set(seed, s.values[i] as number);
  }
  return m;
}

/** The definitions' experiment id of a variant id `<exp>[__k-v...]`. */
function experimentIdOf(variant: string): string {
  return variantParts(variant).expId;
}
