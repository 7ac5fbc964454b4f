import type { RunnerPool } from "../config/config-schema.js";
import { balanceShards } from "./balance-shards.js";
import { cpuSlotsOf, expectedJobHours, type JobRun } from "./expected-job-hours.js";
import { VRAM_HEADROOM } from "./match-pool.js";

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
 * it (`expectedJobHours`: several runs share a GPU when they fit). The search starts from the
 * bound the packing allows (hours / (runs one machine holds at once x limit)), then doubles the
 * step until the jobs fit and bisects back to the fewest, so a large campaign takes a few dozen
 * rounds, not thousands. Deterministic. Every run must fit alone (the caller refuses one that
 * does not); `runs.length` shards always fit.
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
  const n = runs.length;
  const tryCount = (count: number): FittedShards & { fits: boolean } => {
    const assignment = balanceShards(hours, count);
    const members: JobRun[][] = Array.from({ length: count }, () => []);
    runs.forEach((r, i) => {
      members[assignment[i] as number]?.push(r);
    });
    const jobHours = members.map((m) => expectedJobHours(m, pool));
    return { assignment, count, jobHours, fits: jobHours.every((h) => h <= maxJobHours) };
  };
  const done = ({ assignment, count, jobHours }: FittedShards) => ({ assignment, count, jobHours });

  const lowest = Math.min(
    n,
    Math.max(parallel, Math.ceil(total / (concurrency(runs, pool) * maxJobHours))),
  );
  let best = tryCount(lowest);
  if (best.fits || lowest >= n) return done(best);
  // Gallop: lowest + 1, + 2, + 4, ... until the jobs fit (n shards always do).
  let low = lowest; // does not fit
  let step = 1;
  for (;;) {
    const count = Math.min(n, low + step);
    best = tryCount(count);
    if (best.fits || count >= n) break;
    low = count;
    step *= 2;
  }
  // Bisect between the last count that did not fit and the first that did.
  let high = best.count;
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    const at = tryCount(mid);
    if (at.fits) {
      best = at;
      high = mid;
    } else low = mid;
  }
  return done(best);
}

/**
 * The most runs one machine of the pool holds at once, as the runner places them: GPU runs
 * several to a GPU when the smallest fits more than once (vram_mb x 1.2 each), runs that ask
 * for no GPU memory on the CPU slots beside them. An upper bound, so the shard bound it gives is
 * a lower one.
 */
function concurrency(
  runs: readonly JobRun[],
  pool: Pick<RunnerPool, "gpus_per_machine" | "gpu_memory_mb">,
): number {
  let smallest = Number.POSITIVE_INFINITY;
  let cpu = false;
  for (const r of runs) {
    if (r.vram_mb > 0 && pool.gpus_per_machine > 0) smallest = Math.min(smallest, r.vram_mb);
    else cpu = true;
  }
  const perGpu = Number.isFinite(smallest)
    ? Math.max(1, Math.floor(pool.gpu_memory_mb / (smallest * VRAM_HEADROOM)))
    : 0;
  return Math.max(1, pool.gpus_per_machine * perGpu + (cpu ? cpuSlotsOf(pool) : 0));
}
