import type { Scalar } from "../definitions/definitions-schema.js";

/** SPEC §4: pending -> queued -> running -> done | failed | on_hold | cancelled. */
export const RUN_STATUSES = [
  "pending",
  "queued",
  "running",
  "done",
  "failed",
  "on_hold",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_STATUSES: readonly RunStatus[] = ["done", "failed", "on_hold", "cancelled"];

/** A zero count for every status, in lifecycle order. */
export function emptyStatusCounts(): Record<RunStatus, number> {
  return Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
}

/** One run in `dispatch/state.json`, and the shape of its sidecar `dispatch/<run_id>.status.json`. */
export interface StateEntry {
  id: string;
  exp_id: string;
  /** "pilot" | "full" | "pilot (archived)" */
  phase: string;
  stage: number | null;
  method: string;
  dataset: string;
  params: Record<string, Scalar>;
  seed: number;
  command: string;
  status: RunStatus;
  host: string | null;
  gpu: string | null;
  pid: number | null;
  job_id: string | null;
  shard: number | null;
  started: string | null;
  finished: string | null;
  exit_code: number | null;
  reason: string | null;
  retry_count: number;
  git_commit: string | null;
  checkpoint_dir: string;
  result_file: string;
  expected_duration_hours: number;
  vram_mb: number;
  wandb_run_id: string | null;
  hf_artifact_url: string | null;
  run_url: string | null;
  notes: string | null;
  /** Measured wall-clock hours of the final attempt (labgate extension). */
  duration_hours?: number | null;
  /** Peak GPU memory used by the run's processes, MB, when measured on a GPU (labgate extension). */
  peak_vram_mb?: number | null;
  /**
   * The boot of `host` that `pid` belongs to (Linux boot_id) and the process's start time in clock
   * ticks after that boot: a `running` run whose pid is gone, or reused, or from an earlier boot
   * lost its runner (labgate extension).
   */
  boot_id?: string | null;
  pid_start?: number | null;
}

export interface DispatchState {
  project: string;
  updated: string;
  experiments: StateEntry[];
}
