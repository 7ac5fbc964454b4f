/**
 * The `--time` and `--signal` of a run's array (docs/runners.md, "SLURM"). The run's own limit is
 * the local executor's, `expected_duration_hours x timeout_factor`, and the per-run step inside
 * the task enforces it (the run is stopped and `on_hold`, as on a local runner). SLURM's limit
 * leaves room after it for the stop (the kill grace) and for labgate's start and sidecar writes
 * (one minute), rounded up to whole minutes (SLURM's unit), and never below `min_time_minutes`.
 * `--signal=B:USR2@<s>` asks SLURM to warn the task's labgate `s` seconds before its limit, so a
 * run that somehow reaches SLURM's limit is still stopped gracefully and recorded `on_hold`.
 */
export const SLURM_START_MARGIN_SECONDS = 60;

export interface TimeLimitInput {
  expectedHours: number;
  timeoutFactor: number;
  killGraceSeconds: number;
  minMinutes: number;
}

export function slurmTimeLimitMinutes(i: TimeLimitInput): number {
  const seconds =
    i.expectedHours * 3600 * i.timeoutFactor + i.killGraceSeconds + SLURM_START_MARGIN_SECONDS;
  return Math.max(i.minMinutes, Math.ceil(seconds / 60));
}

/** Seconds before the limit at which SLURM signals the task (`--signal=B:USR2@<this>`). */
export function slurmWarningSeconds(killGraceSeconds: number): number {
  return Math.ceil(killGraceSeconds) + 30;
}
