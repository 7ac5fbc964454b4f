import type { RunnerPool } from "../config/config-schema.js";

/** Free memory a run needs on a GPU: vram_mb x 1.2 (docs/runners.md). */
export const VRAM_HEADROOM = 1.2;

/** The first pool (config order) whose labels include every label the run asks for and whose GPUs fit it. */
export function matchPool(
  run: { runs_on: readonly string[]; vram_mb: number },
  pools: readonly RunnerPool[],
): number {
  return pools.findIndex(
    (p) =>
      run.runs_on.every((l) => p.labels.includes(l)) &&
      (run.vram_mb === 0 ||
        (p.gpus_per_machine > 0 && p.gpu_memory_mb >= run.vram_mb * VRAM_HEADROOM)),
  );
}
