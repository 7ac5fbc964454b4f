import { type GpuSlot, type PlacementRequest, placeRuns } from "../placement/place-runs.js";

export interface StartDecision {
  start: { id: string; gpu: number | null }[];
  /** Runs that no GPU of this machine can ever hold. */
  never: string[];
}

export interface PickInput {
  pending: readonly PlacementRequest[];
  /** GPUs with their live free memory; null when the machine has none (CPU slots only). */
  gpus: readonly GpuSlot[] | null;
  /** CPU slots free now: every run in CPU mode, runs with vram_mb 0 in GPU mode. */
  cpuSlotsFree: number;
  /** Further cap on how many may start now (--parallel on a GPU machine); none when undefined. */
  capFree?: number;
}

/**
 * Which pending runs start now (docs/runners.md). Without GPUs, runs take CPU slots, longest first. With
 * GPUs, runs that need GPU memory go through the foundation's `placeRuns` (fits with 1.2x
 * headroom, packs, waits rather than overcommits); runs with `vram_mb` 0 take CPU slots.
 */
export function pickStarts(input: PickInput): StartDecision {
  const byLength = (a: PlacementRequest, b: PlacementRequest) =>
    b.expected_hours - a.expected_hours;
  const cpuCandidates = input.gpus
    ? input.pending.filter((r) => r.vram_mb === 0)
    : [...input.pending];
  const cpu = cpuCandidates
    .sort(byLength)
    .slice(0, Math.max(0, input.cpuSlotsFree))
    .map((r) => ({ id: r.id, gpu: null }));
  let start: StartDecision["start"] = cpu;
  let never: string[] = [];
  if (input.gpus) {
    const decision = placeRuns(
      input.gpus,
      input.pending.filter((r) => r.vram_mb > 0),
    );
    start = [...cpu, ...decision.start.map((p) => ({ id: p.id, gpu: p.gpu }))];
    never = decision.never;
  }
  if (input.capFree !== undefined) start = start.slice(0, Math.max(0, input.capFree));
  return { start, never };
}
