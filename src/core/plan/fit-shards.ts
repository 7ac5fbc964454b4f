import type { RunnerPool } from "../config/config-schema.js";
import { balanceShards } from "./balance-shards.js";
import { expectedJobHours, type JobRun } from "./expected-job-hours.js";

export interface FittedShards {
  /** For each run (same index), its shard among `count`. */
  assignment: Int32Array;
  count: number;
  /** Expected hours of each shard's job on one machine of the pool. */
  jobHours: number[];
}

/**
 * Splits one pool's runs into the fewest shards (at least `parallel`, the pool's shards of one
 * wave) whose jobs are each expected to end within `maxJobHours` on one machine of the pool:
 * balanced longest first (`balanceShards`), then each shard's job simulated as the runner packs
 * it (`expectedJobHours`); one more shard while any is over. Starts from the GPU-hours bound
 * (hours / (slots x limit)), so a large campaign takes a few rounds, not thousands.
 * Deterministic. Every run must fit alone (the caller refuses one that does not).
 */
export function fitShards(
  runs: readonly JobRun[],
  pool: Pick<RunnerPool, "gpus_per_machine" | "gpu_memory_mb">,
  parallel: number,
  maxJobHours: number,
): FittedShards {
  const hours = Float64Array.from(runs, (r) => r.expected_duration_hours);
  let total = 0;
  for (const h of hours) total += h;
  const slots = Math.max(1, pool.gpus_per_machine);
  const n = runs.length;
  let count = Math.min(n, Math.max(parallel, Math.ceil(total / (slots * maxJobHours))));
  for (;;) {
    const assignment = balanceShards(hours, count);
    const members: JobRun[][] = Array.from({ length: count }, () => []);
    runs.forEach((r, i) => {
      members[assignment[i] as number]?.push(r);
    });
    const jobHours = members.map((m) => expectedJobHours(m, pool));
    if (count >= n || jobHours.every((h) => h <= maxJobHours))
      return { assignment, count, jobHours };
    count++;
  }
}
