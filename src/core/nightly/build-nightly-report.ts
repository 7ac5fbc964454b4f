import { type BestSoFar, bestSoFar } from "./best-so-far.js";
import { compareNights, type MetricComparison } from "./compare-nights.js";
import type { DirectionOf } from "./metric-direction.js";
import { type MissedRange, missedNights } from "./missed-nights.js";
import { type Night, sortNights } from "./nightly-history.js";
import { explainRegressions } from "./regression-origins.js";
import { findStagnation, type Stagnation } from "./stagnation.js";

export interface NightlyReport {
  date: string;
  /** The night compared against: the latest earlier night with results. */
  previousDate?: string;
  comparisons: MetricComparison[];
  regressions: MetricComparison[];
  stagnation: Stagnation[];
  missed: MissedRange[];
  best: BestSoFar[];
  threshold: number;
  noiseK: number;
  stagnationNights: number;
  nights: number;
}

export interface NightlyRules {
  threshold: number;
  noiseK: number;
  stagnationNights: number;
  directionOf: DirectionOf;
}

/**
 * Everything the nightly PR says, from the dated history and tonight's rows: the comparison with
 * the latest earlier night, regressions, best-so-far, stagnation over the last K nights, and the
 * nights that are missing from the history.
 */
export function buildNightlyReport(
  history: readonly Night[],
  tonight: Night,
  rules: NightlyRules,
): NightlyReport {
  const earlier = sortNights(history.filter((n) => n.date < tonight.date));
  const previous = earlier.at(-1);
  const all = [...earlier, tonight];
  const comparisons = explainRegressions(
    compareNights(previous?.rows ?? [], tonight.rows, {
      threshold: rules.threshold,
      noiseK: rules.noiseK,
      directionOf: rules.directionOf,
    }),
    previous,
    tonight,
  );
  return {
    date: tonight.date,
    ...(previous ? { previousDate: previous.date } : {}),
    comparisons,
    regressions: comparisons.filter((c) => c.status === "regression"),
    stagnation: findStagnation(all, {
      nights: rules.stagnationNights,
      threshold: rules.threshold,
      directionOf: rules.directionOf,
    }),
    missed: missedNights(
      earlier.map((n) => n.date),
      tonight.date,
    ),
    best: bestSoFar(all, rules.directionOf),
    threshold: rules.threshold,
    noiseK: rules.noiseK,
    stagnationNights: rules.stagnationNights,
    nights: all.length,
  };
}
