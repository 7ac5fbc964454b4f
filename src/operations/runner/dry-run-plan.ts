import type { Gpu } from "../../core/placement/gpu.js";
import { simulatePlacement } from "../../core/placement/simulate-placement.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { campaignSteps, inStep } from "../../core/runner/stage-gate.js";

export interface DryRunRow {
  run_id: string;
  step: string;
  /** "gpu 0", "cpu", "skip (done)", "never fits" */
  where: string;
  start_hours: number | null;
  hours: number;
}

export interface DryRunPlan {
  mode: "cpu" | "gpu";
  gpus: string[];
  slots: number;
  rows: DryRunRow[];
  /** Declared (or measured) hours until the last run ends, steps one after another. */
  eta_hours: number;
}

/**
 * What `labgate run --dry-run` prints: each run's step, where it would go and when, from the
 * foundation's `simulatePlacement` (runs taking exactly their expected hours). Without GPUs each
 * CPU slot is simulated as a GPU that holds one run.
 */
export function dryRunPlan(
  runs: readonly PlannedRun[],
  done: ReadonlySet<string>,
  gpus: readonly Gpu[] | null,
  cpuSlots: number,
): DryRunPlan {
  const rows: DryRunRow[] = [];
  let offset = 0;
  for (const step of campaignSteps(runs)) {
    const members = runs.filter((r) => inStep(r, step));
    const todo = members.filter((r) => !done.has(r.run_id));
    for (const r of members)
      if (done.has(r.run_id))
        rows.push({
          run_id: r.run_id,
          step: step.label,
          where: "skip (done)",
          start_hours: null,
          hours: 0,
        });
    const onGpu = gpus ? todo.filter((r) => r.vram_mb > 0) : [];
    const onCpu = gpus ? todo.filter((r) => r.vram_mb === 0) : todo;
    let span = 0;
    if (gpus && onGpu.length > 0) {
      const sim = simulatePlacement(
        gpus.map((g) => ({ index: g.index, total_mb: g.total_mb - g.used_mb })),
        onGpu.map((r) => ({
          id: r.run_id,
          vram_mb: r.vram_mb,
          expected_hours: r.expected_duration_hours,
        })),
      );
      span = sim.makespan_hours;
      for (const r of onGpu) {
        const at = sim.schedule.get(r.run_id);
        rows.push({
          run_id: r.run_id,
          step: step.label,
          where: at ? `gpu ${at.gpu}` : "never fits",
          start_hours: at ? offset + at.start : null,
          hours: r.expected_duration_hours,
        });
      }
    }
    if (onCpu.length > 0) {
      // one "GPU" per CPU slot that holds exactly one run (6000 MB needed of 10000)
      const sim = simulatePlacement(
        Array.from({ length: Math.max(1, cpuSlots) }, (_, i) => ({ index: i, total_mb: 10_000 })),
        onCpu.map((r) => ({
          id: r.run_id,
          vram_mb: 5000,
          expected_hours: r.expected_duration_hours,
        })),
      );
      span = Math.max(span, sim.makespan_hours);
      for (const r of onCpu) {
        const at = sim.schedule.get(r.run_id);
        rows.push({
          run_id: r.run_id,
          step: step.label,
          where: "cpu",
          start_hours: offset + (at?.start ?? 0),
          hours: r.expected_duration_hours,
        });
      }
    }
    offset += span;
  }
  return {
    mode: gpus ? "gpu" : "cpu",
    gpus: (gpus ?? []).map(
      (g) => `${g.index}:${g.name} (${g.total_mb - g.used_mb} of ${g.total_mb} MB free)`,
    ),
    slots: cpuSlots,
    rows,
    eta_hours: offset,
  };
}
