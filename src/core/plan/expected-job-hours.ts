import type { RunnerPool } from "../config/config-schema.js";
import { simulatePlacement } from "../placement/simulate-placement.js";
import { campaignSteps, inStep } from "../runner/stage-gate.js";

/** What the planner needs of a run to tell how long a job holding it takes. */
export interface JobRun {
  run_id: string;
  phase: "pilot" | "full";
  stage: number | null;
  vram_mb: number;
  expected_duration_hours: number;
}

/**
 * CPU slots assumed on one machine of a pool for runs that ask for no GPU memory: the runner uses
 * the machine's cores, which the plan cannot see, so it assumes one slot per GPU (one on a machine
 * without GPUs). An underestimate only makes shards smaller, never longer than the limit.
 */
export const cpuSlotsOf = (pool: Pick<RunnerPool, "gpus_per_machine">) =>
  Math.max(1, pool.gpus_per_machine);

/** One GPU that holds exactly one CPU run: 5,000 MB asked (x 1.2 = 6,000) of 10,000 MB. */
const CPU_SLOT = { total_mb: 10_000, vram_mb: 5_000 };

/**
 * The hours one runner job on one machine of `pool` is expected to take for `runs`, packed as
 * the runner packs them (docs/runners.md): steps one after another (pilot stage 1, 2, 3, then the
 * full phase); within a step, GPU runs placed on the machine's GPUs by the runner's own placement
 * (several share a GPU when they fit, runs wait for room) and CPU runs on CPU slots, at the same
 * time. Runs take exactly their expected (declared or measured) hours.
 */
export function expectedJobHours(
  runs: readonly JobRun[],
  pool: Pick<RunnerPool, "gpus_per_machine" | "gpu_memory_mb">,
): number {
  const gpus = Array.from({ length: pool.gpus_per_machine }, (_, index) => ({
    index,
    total_mb: pool.gpu_memory_mb,
  }));
  const cpus = Array.from({ length: cpuSlotsOf(pool) }, (_, index) => ({
    index,
    total_mb: CPU_SLOT.total_mb,
  }));
  let hours = 0;
  for (const step of campaignSteps(runs)) {
    const members = runs.filter((r) => inStep(r, step));
    const onGpu = gpus.length > 0 ? members.filter((r) => r.vram_mb > 0) : [];
    const onCpu = gpus.length > 0 ? members.filter((r) => r.vram_mb === 0) : members;
    let span = 0;
    if (onGpu.length > 0)
      span = simulatePlacement(
        gpus,
        onGpu.map((r) => ({
          id: r.run_id,
          vram_mb: r.vram_mb,
          expected_hours: r.expected_duration_hours,
        })),
      ).makespan_hours;
    if (onCpu.length > 0)
      span = Math.max(
        span,
        simulatePlacement(
          cpus,
          onCpu.map((r) => ({
            id: r.run_id,
            vram_mb: CPU_SLOT.vram_mb,
            expected_hours: r.expected_duration_hours,
          })),
        ).makespan_hours,
      );
    hours += span;
  }
  return hours;
}
