import type { AggregatedRow } from "./aggregate-rows.js";
import { csvLine } from "./csv-field.js";
import type { HypothesisVerdict } from "./hypothesis-verdicts.js";

export const AGGREGATED_COLUMNS = [
  "exp_id",
  "method",
  "dataset",
  "metric",
  "n",
  "mean",
  "std",
  "min",
  "max",
  "best",
  "delta_vs_baseline",
  // Added later: after the original columns, so scripts that read those by position still work.
  "ci95_low",
  "ci95_high",
  "baseline",
  "change",
  "delta_ci95_low",
  "delta_ci95_high",
  "p_value",
  "test",
  "direction",
] as const;

export function aggregatedCsv(rows: readonly AggregatedRow[]): string {
  let out = csvLine(AGGREGATED_COLUMNS);
  for (const r of rows) out += csvLine(AGGREGATED_COLUMNS.map((c) => r[c]));
  return out;
}

/**
 * aggregated.json: the meta, each hypothesis' verdict (without its rows: they are the file's
 * rows), and the rows. The verdicts are kept here so the phase8 check and the dashboard show
 * what the results README says without the definitions of that commit.
 */
export function aggregatedJson(
  rows: readonly AggregatedRow[],
  meta: {
    project: string;
    generated: string;
    source_commits: readonly string[];
    hypotheses?: readonly HypothesisVerdict[];
  },
): string {
  const { hypotheses, ...head } = meta;
  const body = rows.map((r) => ({
    exp_id: r.exp_id,
    method: r.method,
    dataset: r.dataset,
    metric: r.metric,
    group: r.group,
    phase: r.phase,
    n: r.n,
    mean: r.mean,
    std: r.std,
    min: r.min,
    max: r.max,
    best: r.best,
    delta_vs_baseline: r.delta_vs_baseline,
    baseline: r.baseline,
    direction: r.direction,
    direction_source: r.direction_source,
    ci95_low: r.ci95_low,
    ci95_high: r.ci95_high,
    change: r.change,
    delta_ci95_low: r.delta_ci95_low,
    delta_ci95_high: r.delta_ci95_high,
    p_value: r.p_value,
    test: r.test,
  }));
  const verdicts = hypotheses?.map(({ comparisons: _, ...v }) => v);
  return `${JSON.stringify({ ...head, ...(verdicts ? { hypotheses: verdicts } : {}), rows: body }, null, 2)}\n`;
}
