import type { Direction, DirectionOf } from "./metric-direction.js";
import type { Night } from "./nightly-history.js";
import { rowKey } from "./nightly-row.js";

export interface Stagnation {
  exp_id: string;
  metric: string;
  direction: Direction;
  /** Best mean before the window, and the night it was reached. */
  best: number;
  bestDate: string;
  /** Best mean inside the last `nights` nights. */
  recentBest: number;
  nights: number;
}

/**
 * Stagnation: over the last K nights that have a given (exp_id, metric), no night beat the best
 * of all earlier nights by more than `threshold` (relative, the same threshold regressions use,
 * so noise-sized wiggles do not count as progress). Needs at least K + 1 nights of history.
 */
export function findStagnation(
  history: readonly Night[],
  opts: { nights: number; threshold: number; directionOf: DirectionOf },
): Stagnation[] {
  interface Series {
    exp_id: string;
    metric: string;
    direction: Direction;
    points: { date: string; mean: number }[];
  }
  const series = new Map<string, Series>();
  for (const night of history)
    for (const row of night.rows) {
      const key = rowKey(row);
      let s = series.get(key);
      if (!s) {
        s = {
          exp_id: row.exp_id,
          metric: row.metric,
          direction: opts.directionOf(row).direction,
          points: [],
        };
        series.set(key, s);
      }
      s.points.push({ date: night.date, mean: row.mean });
    }
  const out: Stagnation[] = [];
  for (const s of series.values()) {
    const { points } = s;
    if (points.length <= opts.nights) continue;
    const split = points.length - opts.nights;
    const sign = s.direction === "higher" ? 1 : -1;
    const pick = (xs: typeof points) =>
      xs.reduce((a, b) => (sign * b.mean > sign * a.mean ? b : a));
    const before = pick(points.slice(0, split));
    const recent = pick(points.slice(split));
    const gain = sign * (recent.mean - before.mean);
    const scale = before.mean === 0 ? 1 : Math.abs(before.mean);
    if (gain / scale <= opts.threshold)
      out.push({
        exp_id: s.exp_id,
        metric: s.metric,
        direction: s.direction,
        best: before.mean,
        bestDate: before.date,
        recentBest: recent.mean,
        nights: opts.nights,
      });
  }
  return out.sort((a, b) => a.exp_id.localeCompare(b.exp_id) || a.metric.localeCompare(b.metric));
}
