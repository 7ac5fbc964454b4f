import type { Config } from "../../core/config/config-schema.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { expandRuns } from "../../core/plan/expand-runs.js";
import { planDispatch, selectExperiments } from "../../core/plan/plan-dispatch.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { runIdMatcher } from "../../core/runner/run-glob.js";
import { checkpointRoot } from "./checkpoint-root.js";

export interface RunSelection {
  phase?: "pilot" | "full";
  stage?: number;
  only?: string;
  shard?: number;
  /**
   * The Action's shard as the plan job handed it over (`wave-runs`): exactly these runs, on
   * `shard`, with no plan made here (docs/runners.md, "Waves").
   */
  runIds?: ReadonlySet<string>;
}

/**
 * The runs `labgate run` is asked for: the plan of `--phase`/`--stage` (the same plan the dispatch
 * matrix came from, so `--shard K` finds the runs of matrix job K), narrowed by `--only`.
 */
export function selectRuns(
  loaded: LoadedDefinitions,
  config: Config,
  input: RunSelection,
  cwd: string,
): { runs: PlannedRun[]; shardOf: Map<string, number> } | { diagnostics: Diagnostic[] } {
  // Checkpoints where they survive a reboot and a clean checkout (checkpoint-root.ts).
  const tmpDir = checkpointRoot(config, cwd);
  const filter = { phase: input.phase, stage: input.stage };
  if (input.runIds) {
    const given = input.runIds;
    const runs = expandRuns(selectExperiments(loaded.experiments, filter), {
      tmpDir,
      resultsDir: config.results_dir,
    }).filter((r) => given.has(r.run_id));
    return { runs, shardOf: new Map(runs.map((r) => [r.run_id, input.shard ?? 0])) };
  }
  const planned = planDispatch({ experiments: loaded.experiments, config, filter, tmpDir });
  let runs: PlannedRun[];
  const shardOf = new Map<string, number>();
  if (planned.ok) {
    runs = planned.plan.runs;
    runs.forEach((r, i) => {
      shardOf.set(r.run_id, planned.plan.shardOf[i] as number);
    });
    if (input.shard !== undefined) runs = runs.filter((r) => shardOf.get(r.run_id) === input.shard);
  } else if (input.shard !== undefined) {
    return { diagnostics: planned.diagnostics };
  } else {
    // No runner pool matches: irrelevant on this machine, which runs everything itself.
    runs = expandRuns(selectExperiments(loaded.experiments, filter), {
      tmpDir,
      resultsDir: config.results_dir,
    });
  }
  if (input.only) {
    const match = runIdMatcher(input.only);
    runs = runs.filter((r) => match(r.run_id));
  }
  return { runs, shardOf };
}
