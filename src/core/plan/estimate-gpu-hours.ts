import type { ResolvedExperiment } from "../definitions/definitions-schema.js";
import { countRuns } from "./expand-runs.js";

/** Each run is charged its expected hours on one GPU (or one CPU slot when vram_mb is 0). */
export function estimateGpuHours(experiments: readonly ResolvedExperiment[]): number {
  let hours = 0;
  for (const exp of experiments) hours += countRuns(exp) * exp.expected_duration_hours;
  return hours;
}

export interface PilotEstimateInput {
  pilotMinutes: number;
  pilotSamples: number;
  fullSamples: number;
  platformFactor: number;
}

/** docs/runners.md: `max(pilot_minutes / 60 x full_samples / pilot_samples x platform_factor x 1.2, 0.5)` hours. */
export function estimateFromPilot(i: PilotEstimateInput): number {
  return Math.max(
    (i.pilotMinutes / 60) * (i.fullSamples / i.pilotSamples) * i.platformFactor * 1.2,
    0.5,
  );
}
