import type { MetricSense } from "./metric-direction.js";

/** Metric names that are rates or scores in [0, 1] when their values are. */
const RATE_NAME = /acc|f1|auc|precision|recall|rate|iou|dice|map\b|hit|error/i;

/** Units that say a metric is a fraction. */
const FRACTION_UNITS = new Set(["fraction", "rate", "ratio", "probability"]);

/**
 * Whether a metric is a rate in [0, 1] (docs/results.md): every value in [0, 1], and a fraction
 * unit (`fraction`, `rate`, `ratio`, `probability`) where one is declared, else a rate-like name
 * (accuracy, f1, auc, precision, recall, iou, …). The chart's axis and the tables' confidence
 * intervals are clamped to [0, 1] for a rate.
 */
export function isRate(
  sense: Pick<MetricSense, "unit">,
  metric: string,
  values: readonly number[],
): boolean {
  if (!values.every((v) => v >= 0 && v <= 1)) return false;
  if (sense.unit !== undefined) return FRACTION_UNITS.has(sense.unit.toLowerCase());
  return RATE_NAME.test(metric);
}

/**
 * A 95% CI as a table shows it: for a rate, clamped to [0, 1] (a t interval around an accuracy
 * of 0.99 can reach past 1, which no accuracy can). aggregated.csv/json keep the raw bounds.
 */
export function shownInterval(low: number, high: number, rate: boolean): [number, number] {
  return rate ? [Math.max(0, low), Math.min(1, high)] : [low, high];
}
