import type { PlannedRun } from "../plan/planned-run.js";
import type { StateEntry } from "../state/state-entry.js";

/** The state entry of a run about to be queued: every docs/dispatch-state.md field present, unknowns null. */
export function newStateEntry(
  run: PlannedRun,
  init: {
    command: string;
    shard: number | null;
    git_commit: string;
    run_url: string | null;
    job_id?: string | null;
  },
): StateEntry {
  return {
    id: run.run_id,
    exp_id: run.exp_id,
    phase: run.phase,
    stage: run.stage,
    method: run.method,
    dataset: run.dataset,
    params: run.params,
    seed: run.seed,
    command: init.command,
    status: "pending",
    host: null,
    gpu: null,
    pid: null,
    job_id: init.job_id ?? null,
    shard: init.shard,
    started: null,
    finished: null,
    exit_code: null,
    reason: null,
    retry_count: 0,
    git_commit: init.git_commit,
    checkpoint_dir: run.checkpoint_dir,
    result_file: run.result_file,
    expected_duration_hours: run.expected_duration_hours,
    vram_mb: run.vram_mb,
    wandb_run_id: null,
    hf_artifact_url: null,
    run_url: init.run_url,
    notes: null,
    duration_hours: null,
    peak_vram_mb: null,
  };
}
