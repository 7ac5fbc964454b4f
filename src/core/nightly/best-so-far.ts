import { isBetter } from "../results/metric-direction.js";
import type { Direction, DirectionOf } from "./metric-direction.js";
import type { Night } from "./nightly-history.js";
import { rowKey } from "./nightly-row.js";

export interface BestSoFar {
  exp_id: string;
  metric: string;
  direction: Direction;
  best: number;
  /** The night the best mean was first reached. */
  date: string;
  /** How many nights have this (exp_id, metric). */
  nights: number;
}

/** Best nightly mean per (exp_id, metric) by the metric's direction; ties keep the earlier night. */
export function bestSoFar(history: readonly Night[], directionOf: DirectionOf): BestSoFar[] {
  const best = new Map<string, BestSoFar>();
  for (const night of history)
    for (const row of night.rows) {
      const key = rowKey(row);
      const prior = best.get(key);
      if (!prior) {
        const { direction } = directionOf(row);
        best.set(key, {
          exp_id: row.exp_id,
          metric: row.metric,
          direction,
          best: row.mean,
          date: night.date,
          nights: 1,
        });
        continue;
      }
      prior.nights += 1;
      if (isBetter(row.mean, prior.best, prior.direction)) {
        prior.best = row.mean;
        prior.date = night.date;
      }
    }
  return [...best.values()].sort(
    (a, b) => a.exp_id.localeCompare(b.exp_id) || a.metric.localeCompare(b.metric),
  );
}
