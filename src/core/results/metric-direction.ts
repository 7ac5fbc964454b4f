import type { Definitions } from "../definitions/definitions-schema.js";

export type Direction = "higher" | "lower";

/** Metrics where smaller is better, for metrics no hypothesis names. */
const LOWER_IS_BETTER =
  /loss|error|err\b|perplexity|mse|mae|rmse|wer|cer|fid|latency|time|seconds/i;

/**
 * Which way a metric is better: the direction of the first hypothesis about it; for a metric no
 * hypothesis names, guessed from its name (loss, error, ... lower; anything else higher).
 */
export function metricDirections(
  defs: Pick<Definitions, "hypotheses">,
): (metric: string) => Direction {
  const known = new Map<string, Direction>();
  for (const h of defs.hypotheses) if (!known.has(h.metric)) known.set(h.metric, h.direction);
  return (metric) => known.get(metric) ?? (LOWER_IS_BETTER.test(metric) ? "lower" : "higher");
}

export const isBetter = (a: number, b: number, d: Direction) => (d === "higher" ? a > b : a < b);
