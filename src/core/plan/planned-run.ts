import type { ResolvedExperiment, Scalar } from "../definitions/definitions-schema.js";

/** One run of the dispatch matrix: an experiment at one params combination and one seed. */
export interface PlannedRun {
  run_id: string;
  /** Experiment id with params, without the seed suffix — the `exp_id` column of all_results.csv. */
  variant_id: string;
  exp_id: string;
  phase: "pilot" | "full";
  stage: number | null;
  method: string;
  dataset: string;
  params: Record<string, Scalar>;
  seed: number;
  vram_mb: number;
  expected_duration_hours: number;
  /** Where the estimate came from: the declaration, or durations measured on earlier runs. */
  estimate_source: "declared" | "measured";
  retries: number;
  runs_on: string[];
  checkpoint_dir: string;
  result_file: string;
  /** The experiment the run came from (shared, not copied): command, early_stop, pass_criterion... */
  experiment: ResolvedExperiment;
}
