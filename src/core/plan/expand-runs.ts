import type { ResolvedExperiment, Scalar } from "../definitions/definitions-schema.js";
import { runResultPath } from "../paths/layout.js";
import type { PlannedRun } from "./planned-run.js";
import { runId, variantId } from "./run-id.js";

export interface ExpandOptions {
  /** Directory for default checkpoint dirs (`<tmp>/ckpt_<run_id>`). */
  tmpDir: string;
  /** Results directory, repo-relative; result files go to `<resultsDir>/runs/<run_id>.json`. */
  resultsDir: string;
}

/** Cartesian product of a params grid, in declaration order (first key varies slowest). */
export function paramGrid(
  params: Readonly<Record<string, readonly Scalar[]>>,
): Record<string, Scalar>[] {
  let combos: Record<string, Scalar>[] = [{}];
  for (const [key, values] of Object.entries(params)) {
    const next: Record<string, Scalar>[] = [];
    for (const combo of combos) for (const v of values) next.push({ ...combo, [key]: v });
    combos = next;
  }
  return combos;
}

/** Number of runs an experiment expands to, without building them. */
export function countRuns(exp: ResolvedExperiment): number {
  let n = exp.seeds.length;
  for (const values of Object.values(exp.params)) n *= values.length;
  return n;
}

/** Expands experiments into runs: one per (params combination x seed), docs/definitions.md. */
export function expandRuns(
  experiments: readonly ResolvedExperiment[],
  opts: ExpandOptions,
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const tmp = opts.tmpDir.replace(/\/+$/, "");
  for (const exp of experiments) {
    for (const params of paramGrid(exp.params)) {
      const variant = variantId(exp.id, params);
      for (const seed of exp.seeds) {
        const id = runId(exp.id, params, seed);
        runs.push({
          run_id: id,
          variant_id: variant,
          exp_id: exp.id,
          phase: exp.phase,
          stage: exp.phase === "pilot" ? (exp.stage ?? 1) : null,
          method: exp.method,
          dataset: exp.dataset,
          params,
          seed,
          vram_mb: exp.vram_mb,
          expected_duration_hours: exp.expected_duration_hours,
          estimate_source: "declared",
          retries: exp.retries,
          runs_on: exp.runs_on,
          checkpoint_dir: `${tmp}/ckpt_${id}`,
          result_file: runResultPath({ results_dir: opts.resultsDir }, id),
          experiment: exp,
        });
      }
    }
  }
  return runs;
}
