import { sidecarPath } from "../../core/paths/layout.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { newStateEntry } from "../../core/runner/new-state-entry.js";
import { parseSidecar } from "../../core/state/parse-dispatch-state.js";
import { FINAL_STATUSES, type StateEntry } from "../../core/state/state-entry.js";
import type { Sidecar } from "../../core/state/state-entry-schema.js";
import {
  type ContainedReader,
  containedReader,
  MAX_RESULT_FILE_BYTES,
  MAX_SIDECAR_BYTES,
} from "../contained-files.js";

export interface ShardRuns {
  shard: number;
  runs: PlannedRun[];
  /** The downloaded artifact's directory, or undefined when the shard left none. */
  dir: string | undefined;
}

export interface CollectInput {
  dispatchDir: string;
  /** The result file cap (`resultFileCap(config)`); default: the default config's. */
  maxResultBytes?: number;
  sha: string;
  runUrl: string;
  clock: () => Date;
  /**
   * Runs the state at the approved commit already holds as `done` (a `/retry failed` dispatch):
   * the runner skips them and writes no sidecar, and that is not a loss.
   */
  alreadyDone: ReadonlySet<string>;
}

export interface Collected {
  /**
   * Every planned run's sidecar as data: the one its shard left (when it reached a final status),
   * else a `failed` / `shard lost` entry.
   */
  sidecars: Sidecar[];
  /** The result files the shards left, by run id: only those of runs whose sidecar was taken. */
  results: Map<string, string>;
  /** Ids of the runs marked lost. */
  lost: string[];
  /** What an artifact held that was not taken: a link, a file too large, a sidecar of another run. */
  warnings: string[];
}

/**
 * Takes every shard's sidecars and result files from its downloaded artifact, as data for the
 * aggregate (results/aggregate.ts); nothing is written into the checkout. A run whose shard left no artifact, no sidecar, or a sidecar that never reached a final
 * status (the job died under it) becomes `failed` with reason `shard lost`: every planned run
 * ends in a definite status. Its entry keeps the plan's `expected_duration_hours`, what the budget
 * charges it at least, and `started` when its sidecar recorded one (then `finished - started`
 * spans the job's wall-clock up to this aggregate); lost in a second wave, it is not planned again
 * (still-to-run.ts).
 *
 * Only the plan's files are taken, at the plan's paths (docs/security.md, "Paths come from the
 * plan"): `dispatch/<run_id>.status.json` and `<results_dir>/runs/<run_id>.json` of each planned
 * run, each only when it is a regular file inside the artifact (a symbolic link is refused, not
 * followed) under its size cap; a sidecar counts only for the run its name names. What the
 * sidecar says its `id` or `result_file` is never builds a path.
 */
export async function collectShardSidecars(
  input: CollectInput,
  shards: readonly ShardRuns[],
): Promise<Collected> {
  const sidecars: Sidecar[] = [];
  const results = new Map<string, string>();
  const lost: string[] = [];
  const warnings: string[] = [];
  for (const { shard, runs, dir } of shards) {
    const readSidecar = dir ? containedReader(dir, MAX_SIDECAR_BYTES) : undefined;
    const readResult = dir
      ? containedReader(dir, input.maxResultBytes ?? MAX_RESULT_FILE_BYTES)
      : undefined;
    for (const run of runs) {
      const sidecar = sidecarPath({ dispatch_dir: input.dispatchDir }, run.run_id);
      const got = readSidecar ? await readSidecar(sidecar) : undefined;
      if (got && !got.ok && got.code !== "missing")
        warnings.push(`shard ${shard}'s artifact: ${got.message}; not taken`);
      const text = got?.ok ? got.text : undefined;
      let parsed = text === undefined ? undefined : parseSidecar(sidecar, text);
      if (parsed && !parsed.ok)
        warnings.push(`shard ${shard}'s artifact: ${parsed.message}; not taken`);
      if (parsed?.ok && parsed.value.id !== run.run_id) {
        warnings.push(
          `shard ${shard}'s artifact: ${sidecar} holds run ${JSON.stringify(parsed.value.id)}, not "${run.run_id}"; not taken`,
        );
        parsed = undefined;
      }
      const status = parsed?.ok ? parsed.value.status : undefined;
      if (dir && text !== undefined && parsed?.ok && status && FINAL_STATUSES.includes(status)) {
        sidecars.push(parsed.value);
        const result = await (readResult as ContainedReader)(run.result_file);
        if (result.ok) results.set(run.run_id, result.text);
        else if (result.code !== "missing")
          warnings.push(`shard ${shard}'s artifact: ${result.message}; not taken`);
        continue;
      }
      if (dir && got?.ok === false && got.code === "missing" && input.alreadyDone.has(run.run_id))
        continue;
      lost.push(run.run_id);
      const entry: StateEntry = {
        ...newStateEntry(run, {
          command: run.experiment.command,
          shard,
          git_commit: input.sha,
          run_url: input.runUrl,
        }),
        ...(parsed?.ok ? parsed.value : {}),
      };
      Object.assign(entry, {
        // the plan's, whatever the sidecar said
        id: run.run_id,
        result_file: run.result_file,
        // what the budget charges a lost run at least (measured-gpu-hours.ts): the plan's estimate
        expected_duration_hours: run.expected_duration_hours,
        status: "failed",
        reason: "shard lost",
        finished: input.clock().toISOString(),
        notes: !dir
          ? `shard ${shard} uploaded no artifact`
          : status
            ? `shard ${shard} ended while the run was ${status}`
            : `shard ${shard}'s artifact has no readable sidecar for this run`,
      });
      sidecars.push(entry);
    }
  }
  return { sidecars, results, lost, warnings };
}
