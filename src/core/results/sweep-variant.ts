import { type Direction, isBetter } from "./metric-direction.js";

/** What choosing among a sweep's variants reads of a row of aggregated.json. */
export interface VariantRow {
  exp_id: string;
  method: string;
  dataset: string;
  metric: string;
  phase: string;
  mean: number;
}

const VALIDATION_WORDS = ["val", "valid", "validation", "dev"] as const;

/**
 * The names a validation counterpart of `metric` goes by: `test_acc` → `val_acc`, `valid_acc`,
 * `validation_acc`, `dev_acc` (also `test-acc`, `acc_test`, `testAcc` → `valAcc`); a metric named
 * without a split, `accuracy` → `val_accuracy`, `valid_accuracy`, … A metric that is already a
 * validation metric has none.
 */
export function validationNames(metric: string): string[] {
  if (/^(val|valid|validation|dev)([_\-.A-Z]|$)/.test(metric)) return [];
  const prefixed = /^test([_\-.])(.+)$/i.exec(metric);
  if (prefixed) return VALIDATION_WORDS.map((w) => `${w}${prefixed[1]}${prefixed[2]}`);
  const camel = /^test([A-Z].*)$/.exec(metric);
  if (camel) return VALIDATION_WORDS.map((w) => `${w}${camel[1]}`);
  const suffixed = /^(.+)([_\-.])test$/i.exec(metric);
  if (suffixed) return VALIDATION_WORDS.map((w) => `${suffixed[1]}${suffixed[2]}${w}`);
  return VALIDATION_WORDS.map((w) => `${w}_${metric}`);
}

/** Of a sweep's variants on one metric (same phase, method and dataset), the one it reports. */
export type VariantSelector = <R extends VariantRow>(variants: readonly R[]) => R | undefined;

/**
 * How a params sweep picks the variant it reports (docs/results.md): the best on the metric's
 * validation counterpart (`validationNames`) where every variant reports one, so the test metric
 * is not the one that selects; else the best on the metric itself. "Best" by the metric's
 * direction; the first of equals.
 */
export function sweepSelector(
  rows: readonly VariantRow[],
  direction: (metric: string) => Direction,
): VariantSelector {
  const key = (r: Omit<VariantRow, "mean">) =>
    [r.phase, r.exp_id, r.method, r.dataset, r.metric].join("\u0000");
  const means = new Map(rows.map((r) => [key(r), r.mean]));
  const bestBy = <R extends VariantRow>(
    variants: readonly R[],
    score: readonly number[],
    d: Direction,
  ) => {
    let best = 0;
    for (let i = 1; i < variants.length; i++)
      if (isBetter(score[i] as number, score[best] as number, d)) best = i;
    return variants[best];
  };
  return (variants) => {
    const first = variants[0];
    if (!first) return undefined;
    if (variants.length > 1)
      for (const v of validationNames(first.metric)) {
        const on = variants.map((r) => means.get(key({ ...r, metric: v })));
        if (on.every((x) => x !== undefined)) return bestBy(variants, on as number[], direction(v));
      }
    return bestBy(
      variants,
      variants.map((r) => r.mean),
      direction(first.metric),
    );
  };
}
