import { csvLine } from "./csv-field.js";
import { type RunResult, variantOf } from "./run-result.js";

/**
 * The columns of all_results.csv, in order (docs/results.md). Downstream scripts read the first ten by
 * name and position: this order is a contract, tested as one. Add columns only at the end.
 */
export const ALL_RESULTS_COLUMNS = [
  "exp_id",
  "method",
  "dataset",
  "group",
  "metric",
  "seed",
  "value",
  "host",
  "gpu",
  "finished_at",
  "git_commit",
] as const;

export const allResultsHeader = () => csvLine(ALL_RESULTS_COLUMNS);

/** The rows of one run: one per metric, metrics in the order the result file lists them. */
export function allResultsRows(run: RunResult, group: string): string {
  const { entry } = run;
  const exp = variantOf(entry);
  let out = "";
  for (const [metric, value] of Object.entries(run.result.metrics))
    out += csvLine([
      exp,
      entry.method,
      entry.dataset,
      group,
      metric,
      entry.seed,
      value,
      entry.host,
      entry.gpu,
      entry.finished,
      entry.git_commit,
    ]);
  return out;
}
