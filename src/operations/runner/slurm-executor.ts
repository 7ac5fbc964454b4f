import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../../core/config/config-schema.js";
import { matchPool } from "../../core/plan/match-pool.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import {
  planSlurmArrays,
  sbatchArgs,
  shellLine,
  slurmRepoKey,
} from "../../core/slurm/slurm-arrays.js";
import { SlurmPoolOptions } from "../../core/slurm/slurm-pool-options.js";
import { batchScriptPath, taskOutputPattern } from "../../core/slurm/slurm-task-manifest.js";
import { untrustedEnv } from "../../exec/untrusted-env.js";
import type { SlurmPoolOf } from "./slurm-scheduler.js";

export type ExecutorChoice =
  | { kind: "local" }
  | { kind: "slurm"; poolOf: Map<string, SlurmPoolOf> }
  | { kind: "refused"; message: string };

/**
 * Which executor runs these runs (docs/runners.md): `slurm` when the runner pool each run is
 * planned on (the first whose labels and GPUs fit, as the planner matches) says
 * `executor: slurm`; `local` otherwise. Runs of both kinds in one `labgate run` are refused
 * (select them with --only or --shard). `LABGATE_EXECUTOR=local` runs everything here.
 */
export function chooseExecutor(
  runs: readonly PlannedRun[],
  config: Config,
  env: NodeJS.ProcessEnv,
): ExecutorChoice {
  if (env.LABGATE_EXECUTOR === "local") return { kind: "local" };
  const poolOf = new Map<string, SlurmPoolOf>();
  const local: string[] = [];
  let slurmPool = "";
  for (const run of runs) {
    const pool = config.runner_pools[matchPool(run, config.runner_pools)];
    if (pool?.executor === "slurm") {
      poolOf.set(run.run_id, {
        name: pool.name,
        options: pool.slurm ?? SlurmPoolOptions.parse({}),
      });
      slurmPool ||= pool.name;
    } else local.push(run.run_id);
  }
  if (poolOf.size === 0) return { kind: "local" };
  if (local.length === 0) return { kind: "slurm", poolOf };
  return {
    kind: "refused",
    message: `${poolOf.size} run(s) go to runner pool "${slurmPool}" (executor: slurm) and ${local.length} (e.g. ${local[0]}) to a pool that runs them here: run them separately with --only or --shard, or set LABGATE_EXECUTOR=local to run all of them here`,
  };
}

/**
 * argv that runs this labgate's per-run step in a SLURM task (`--manifest <file>` follows): this
 * node and dist/cli/commands/run-task-main.js of this package, the lean entry of `labgate
 * run-task`; bundled into the action (action/dist/, where this file is a chunk), the bundle's own
 * entry with `run-task`.
 */
export function labgateArgv(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (!/[\\/](src|dist)[\\/]operations[\\/]runner[\\/]slurm-executor\.[jt]s$/.test(here))
    return [process.execPath, resolve(process.argv[1] ?? ""), "run-task"];
  return [
    process.execPath,
    fileURLToPath(new URL("../../../dist/cli/commands/run-task-main.js", import.meta.url)),
  ];
}

/**
 * What `labgate run --dry-run` prints on a SLURM pool: the sbatch line of each array it would
 * submit for the runs not done yet (before any pilot gate; a later step's arrays are submitted
 * only when the step before passed).
 */
export function slurmDryRunLines(input: {
  cwd: string;
  runs: readonly PlannedRun[];
  poolOf: ReadonlyMap<string, SlurmPoolOf>;
  config: Pick<Config, "timeout_factor" | "kill_grace_seconds">;
  env: NodeJS.ProcessEnv;
  nonce: string;
}): string[] {
  const cwd = resolve(input.cwd);
  const arrays = planSlurmArrays({
    runs: input.runs.map((r) => {
      const pool = input.poolOf.get(r.run_id) as SlurmPoolOf;
      return {
        run_id: r.run_id,
        vram_mb: r.vram_mb,
        expected_duration_hours: r.expected_duration_hours,
        pool: pool.name,
        options: pool.options,
      };
    }),
    timeoutFactor: input.config.timeout_factor,
    killGraceSeconds: input.config.kill_grace_seconds,
    repoKey: slurmRepoKey(cwd),
    nonce: input.nonce,
  });
  const names = Object.keys(untrustedEnv(input.env));
  return arrays.map(
    (a) =>
      `sbatch ${shellLine(
        sbatchArgs(
          a,
          {
            cwd,
            script: resolve(cwd, batchScriptPath(a.name)),
            output: resolve(cwd, taskOutputPattern(a.name)),
          },
          names,
          input.config.kill_grace_seconds,
        ),
      )}    # ${a.run_ids.length} run(s): ${a.run_ids.slice(0, 3).join(", ")}${a.run_ids.length > 3 ? ", ..." : ""}`,
  );
}
