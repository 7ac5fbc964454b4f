import type { StateEntry } from "../../src/core/state/state-entry.js";

/** A state entry with every field set; tests override what they are about. */
export function stateEntry(over: Partial<StateEntry> & { id: string }): StateEntry {
  const seed = Number(/_s(\d+)$/.exec(over.id)?.[1] ?? 1);
  const exp = over.exp_id ?? over.id.replace(/(__.*)?_s\d+$/, "");
  return {
    exp_id: exp,
    phase: "full",
    stage: null,
    method: "ours",
    dataset: "toy",
    params: {},
    seed,
    command: "python3 train.py",
    status: "pending",
    host: null,
    gpu: null,
    pid: null,
    job_id: null,
    shard: null,
    started: null,
    finished: null,
    exit_code: null,
    reason: null,
    retry_count: 0,
    git_commit: null,
    checkpoint_dir: `/tmp/ckpt_${over.id}`,
    result_file: `experiments/results/runs/${over.id}.json`,
    expected_duration_hours: 1,
    vram_mb: 0,
    wandb_run_id: null,
    hf_artifact_url: null,
    run_url: null,
    notes: null,
    duration_hours: null,
    peak_vram_mb: null,
    ...over,
  };
}
