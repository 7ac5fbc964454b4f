import type { EarlyStop } from "../definitions/definitions-schema.js";

export interface EarlyStopDecision {
  stop: boolean;
  /** Why, when `stop`: "early stop: mean accuracy 0.41 < 0.5 over 3 runs". */
  reason: string | null;
}

/**
 * docs/runners.md: after each finished run, an experiment whose `early_stop` rule is met has its
 * remaining runs cancelled. The rule is met when the mean of `metric` over at least `min_runs`
 * finished (`done`) runs is below/above the threshold. Runs without the metric do not count.
 */
export function earlyStopDecision(
  rule: EarlyStop | undefined,
  finishedMetrics: readonly Readonly<Record<string, number>>[],
): EarlyStopDecision {
  if (!rule) return { stop: false, reason: null };
  const values = finishedMetrics
    .map((m) => m[rule.metric])
    .filter((v): v is number => typeof v === "number");
  if (values.length < rule.min_runs) return { stop: false, reason: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const shown = Number(mean.toPrecision(4));
  if (rule.below !== undefined && mean < rule.below)
    return {
      stop: true,
      reason: `early stop: mean ${rule.metric} ${shown} < ${rule.below} over ${values.length} runs`,
    };
  if (rule.above !== undefined && mean > rule.above)
    return {
      stop: true,
      reason: `early stop: mean ${rule.metric} ${shown} > ${rule.above} over ${values.length} runs`,
    };
  return { stop: false, reason: null };
}
