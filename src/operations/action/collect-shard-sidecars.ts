import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { newStateEntry } from "../../core/runner/new-state-entry.js";
import { parseSidecar } from "../../core/state/parse-dispatch-state.js";
import { FINAL_STATUSES } from "../../core/state/state-entry.js";
import { readOptionalFile } from "../read-optional-file.js";
import { sidecarFile, writeSidecar } from "../runner/write-sidecar.js";

export interface ShardRuns {
  shard: number;
  runs: PlannedRun[];
  /** The downloaded artifact's directory, or undefined when the shard left none. */
  dir: string | undefined;
}

export interface CollectInput {
  cwd: string;
  dispatchDir: string;
  sha: string;
  runUrl: string;
  clock: () => Date;
  /**
   * Runs the state at the approved commit already holds as `done` (a `/retry failed` dispatch):
   * the runner skips them and writes no sidecar, and that is not a loss.
   */
  alreadyDone: ReadonlySet<string>;
}

/**
 * Puts every shard's sidecars and result files into the checkout, where the local merge reads
 * them. A run whose shard left no artifact, no sidecar, or a sidecar that never reached a final
 * status (the job died under it) becomes `failed` with reason `shard lost`: every planned run
 * ends in a definite status. Returns the ids of the runs marked lost.
 */
export async function collectShardSidecars(
  input: CollectInput,
  shards: readonly ShardRuns[],
): Promise<string[]> {
  const lost: string[] = [];
  for (const { shard, runs, dir } of shards) {
    for (const run of runs) {
      const sidecar = sidecarFile(input.dispatchDir, run.run_id);
      const text = dir ? await readOptionalFile(join(dir, sidecar)) : undefined;
      const parsed = text === undefined ? undefined : parseSidecar(sidecar, text);
      const status = parsed?.ok ? parsed.value.status : undefined;
      if (dir && parsed?.ok && status && FINAL_STATUSES.includes(status)) {
        await copyInto(join(dir, sidecar), resolve(input.cwd, sidecar));
        const result = join(dir, run.result_file);
        if ((await readOptionalFile(result)) !== undefined)
          await copyInto(result, resolve(input.cwd, run.result_file));
        continue;
      }
      if (dir && text === undefined && input.alreadyDone.has(run.run_id)) continue;
      lost.push(run.run_id);
      const entry = {
        ...newStateEntry(run, {
          command: run.experiment.command,
          shard,
          git_commit: input.sha,
          run_url: input.runUrl,
        }),
        ...(parsed?.ok ? parsed.value : {}),
      };
      Object.assign(entry, {
        status: "failed",
        reason: "shard lost",
        finished: input.clock().toISOString(),
        notes: !dir
          ? `shard ${shard} uploaded no artifact`
          : status
            ? `shard ${shard} ended while the run was ${status}`
            : `shard ${shard}'s artifact has no readable sidecar for this run`,
      });
      await writeSidecar(input.cwd, input.dispatchDir, entry);
    }
  }
  return lost;
}

async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
}
