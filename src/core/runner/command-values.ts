import type { PlannedRun } from "../plan/planned-run.js";

/** The placeholder values of one run's command (docs/definitions.md), each inserted as data into its argument. */
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

/**
 * The paths outside the checkout a run's argv names (`--data /datasets/wt2`, `--data=/d`): data,
 * not code, so not part of the commit; the run's provenance records them. The run's own
 * checkpoint folder is left out.
 */
export function dataPathsOf(argv: readonly string[], cwd: string, checkpointDir: string): string[] {
  const out: string[] = [];
  const within = (root: string, p: string) => p === root || p.startsWith(`${root}/`);
  for (const arg of argv.slice(1)) {
    const value = arg.startsWith("-") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
    if (!value.startsWith("/")) continue;
    const p = value.replace(/\/+$/, "") || "/";
    if (within(cwd, p) || within(checkpointDir, p)) continue;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
