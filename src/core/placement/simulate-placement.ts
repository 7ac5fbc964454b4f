import { VRAM_HEADROOM } from "../plan/match-pool.js";
import { type GpuSlot, type PlacementRequest, placeRuns } from "./place-runs.js";

/** A run to simulate: what placement is told, and optionally how long it really takes. */
export interface SimulatedRun extends PlacementRequest {
  /** Hours the run really takes; placement sees only `expected_hours`. Default: as expected. */
  actual_hours?: number;
}

export interface SimulationResult {
  makespan_hours: number;
  /** Start time (hours) and GPU of each run, by id. */
  schedule: Map<string, { start: number; gpu: number }>;
  never: string[];
}

/**
 * Event-driven simulation of the live placement loop: place, advance to the next finish, free its
 * memory, place again. Runs take their `actual_hours` (default: exactly their expected hours). Used by
 * `labgate run --dry-run` for an ETA and by the placement benchmark.
 */
export function simulatePlacement(
  gpus: readonly { index: number; total_mb: number }[],
  runs: readonly SimulatedRun[],
  place: typeof placeRuns = placeRuns,
): SimulationResult {
  const slots: GpuSlot[] = gpus.map((g) => ({
    index: g.index,
    total_mb: g.total_mb,
    free_mb: g.total_mb,
  }));
  const byIndex = new Map(slots.map((s) => [s.index, s]));
  let pending = [...runs];
  const running: { id: string; gpu: number; end: number; need: number }[] = [];
  const schedule = new Map<string, { start: number; gpu: number }>();
  const never: string[] = [];
  const need = new Map(runs.map((r) => [r.id, r]));
  let now = 0;
  let makespan = 0;
  while (pending.length > 0 || running.length > 0) {
    for (const slot of slots)
      slot.running = running
        .filter((r) => r.gpu === slot.index)
        .map((r) => ({ need_mb: r.need, remaining_hours: r.end - now }));
    const decision = place(slots, pending);
    never.push(...decision.never);
    const started = new Set<string>([...decision.never]);
    for (const p of decision.start) {
      const run = need.get(p.id) as SimulatedRun;
      const mem = run.vram_mb * VRAM_HEADROOM;
      (byIndex.get(p.gpu) as GpuSlot).free_mb -= mem;
      running.push({
        id: p.id,
        gpu: p.gpu,
        end: now + (run.actual_hours ?? run.expected_hours),
        need: mem,
      });
      schedule.set(p.id, { start: now, gpu: p.gpu });
      started.add(p.id);
    }
    if (started.size > 0) pending = pending.filter((r) => !started.has(r.id));
    if (running.length === 0) break; // nothing can ever start
    let next = Number.POSITIVE_INFINITY;
    for (const r of running) next = Math.min(next, r.end);
    now = next;
    makespan = Math.max(makespan, now);
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i] as (typeof running)[number];
      if (r.end <= now) {
        (byIndex.get(r.gpu) as GpuSlot).free_mb += r.need;
        running.splice(i, 1);
      }
    }
  }
  return { makespan_hours: makespan, schedule, never };
}
