/**
 * One finished (or unfinished) pilot run as the pilot gate sees it: the dispatch state entry joined
 * with its result file's metrics. `status` is a docs/dispatch-state.md status; `reason` the one-line failure reason.
 */
export interface PilotRunResult {
  run_id: string;
  exp_id: string;
  /** Experiment id with params, without the seed (the `exp_id` column of all_results.csv). */
  variant_id: string;
  method: string;
  dataset: string;
  stage: number;
  status: string;
  reason: string | null;
  metrics: Record<string, number>;
}
