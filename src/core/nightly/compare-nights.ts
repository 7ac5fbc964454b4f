import type { OriginChange } from "../results/run-origin.js";
import type { Direction, DirectionOf } from "./metric-direction.js";
import { type NightlyRow, rowKey } from "./nightly-row.js";

export interface NightStats {
  n: number;
  mean: number;
  std: number;
}

export type ChangeStatus = "regression" | "improvement" | "steady" | "new" | "missing";

export interface MetricComparison {
  exp_id: string;
  method?: string;
  dataset?: string;
  metric: string;
  direction: Direction;
  directionAssumed: boolean;
  previous?: NightStats;
  current?: NightStats;
  /** current.mean - previous.mean (raw, not direction-adjusted). */
  delta?: number;
  /** delta / |previous.mean| (delta itself when previous.mean is 0). */
  relative?: number;
  /** k x the standard error of the difference of the two means: the seed-noise band. */
  noise?: number;
  status: ChangeStatus;
  /** On a regression: whether the code commit, the machine, both or neither changed (explainRegressions). */
  origin?: OriginChange;
}

export interface CompareOptions {
  /** `config.nightly.regression_threshold`: relative change against the direction. */
  threshold: number;
  /** `config.nightly.noise_k`: how many standard errors a change must exceed. */
  noiseK: number;
  directionOf: DirectionOf;
}

/**
 * Compares two nights per (exp_id, metric).
 *
 * The rule: let `worse` be the change of the mean against the metric's direction
 * (previous - current when higher is better). It is a **regression** when both
 *   1. worse / |previous mean| > threshold (the configured relative threshold), and
 *   2. worse > k x sqrt(std_prev^2 / n_prev + std_cur^2 / n_cur)
 *      (Welch's standard error of the difference of two means over seeds; k = 3 by default,
 *      which keeps false alarms near 1% with 5 seeds).
 * An **improvement** is the same with the sign flipped; anything else is **steady**. With one seed
 * on both nights the spread is unknown (std 0), so the threshold alone decides.
 */
export function compareNights(
  previous: readonly NightlyRow[],
  current: readonly NightlyRow[],
  opts: CompareOptions,
): MetricComparison[] {
  const prev = new Map(previous.map((r) => [rowKey(r), r]));
  const cur = new Map(current.map((r) => [rowKey(r), r]));
  const keys = [...new Set([...cur.keys(), ...prev.keys()])];
  const out: MetricComparison[] = [];
  for (const key of keys) {
    const p = prev.get(key);
    const c = cur.get(key);
    const row = (c ?? p) as NightlyRow;
    const { direction, assumed } = opts.directionOf(row);
    const base: MetricComparison = {
      exp_id: row.exp_id,
      ...(row.method === undefined ? {} : { method: row.method }),
      ...(row.dataset === undefined ? {} : { dataset: row.dataset }),
      metric: row.metric,
      direction,
      directionAssumed: assumed,
      status: "steady",
      ...(p ? { previous: stats(p) } : {}),
      ...(c ? { current: stats(c) } : {}),
    };
    if (!p || !c) {
      out.push({ ...base, status: p ? "missing" : "new" });
      continue;
    }
    const delta = c.mean - p.mean;
    const relative = p.mean === 0 ? delta : delta / Math.abs(p.mean);
    const noise = opts.noiseK * Math.sqrt(p.std ** 2 / p.n + c.std ** 2 / c.n);
    const sign = direction === "higher" ? -1 : 1;
    const worse = sign * delta;
    const worseRel = sign * relative;
    const status: ChangeStatus =
      worseRel > opts.threshold && worse > noise
        ? "regression"
        : -worseRel > opts.threshold && -worse > noise
          ? "improvement"
          : "steady";
    out.push({ ...base, delta, relative, noise, status });
  }
  return out.sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      a.exp_id.localeCompare(b.exp_id) ||
      a.metric.localeCompare(b.metric),
  );
}

const STATUS_ORDER: Record<ChangeStatus, number> = {
  regression: 0,
  missing: 1,
  improvement: 2,
  new: 3,
  steady: 4,
};

const stats = (r: NightlyRow): NightStats => ({ n: r.n, mean: r.mean, std: r.std });
