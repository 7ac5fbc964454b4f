import type { PlannedRun } from "../plan/planned-run.js";

/** The placeholder values of one run's command (SPEC §3), each inserted as data into its argument. */
export function commandValues(run: PlannedRun): Record<string, string> {
  const values: Record<string, string> = {
    exp_id: run.exp_id,
    run_id: run.run_id,
    seed: String(run.seed),
    method: run.method,
    dataset: run.dataset,
    checkpoint_dir: run.checkpoint_dir,
    result_file: run.result_file,
  };
  for (const [k, v] of Object.entries(run.params)) values[`params.${k}`] = String(v);
  return values;
}
