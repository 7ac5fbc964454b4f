import { LOST_TWICE_REASON } from "../plan/still-to-run.js";
import type { StateEntry } from "../state/state-entry.js";

type Charged = Pick<
  StateEntry,
  | "phase"
  | "git_commit"
  | "status"
  | "reason"
  | "duration_hours"
  | "started"
  | "finished"
  | "expected_duration_hours"
>;

/**
 * The GPU-hours a campaign at approved commit `sha` has spent so far (docs/approval.md, "The
 * budget"): the full-phase runs the results state records at `sha`, each charged on its one GPU.
 * Runs recorded at another commit were paid for by another approval. What a run is charged
 * (`runGpuHours`) never trusts one figure a run's own code could lower: the sidecar it writes
 * can be overwritten by the experiment.
 */
export function measuredGpuHours(entries: Iterable<Charged>, sha: string): number {
  let hours = 0;
  for (const e of entries) {
    if (e.phase !== "full" || e.git_commit !== sha) continue;
    hours += runGpuHours(e);
  }
  return hours;
}

/**
 * One run's charge: the larger of its two measurements, `duration_hours` and `finished - started`,
 * so lowering one of them in the sidecar lowers nothing. A run whose shard was lost
 * (`failed` / `shard lost`, or lost twice) is charged at least its planned estimate
 * (`expected_duration_hours`, measured where earlier runs measured it): its job may have held
 * the GPU until its time limit, and nothing measured it. A run `done` or `failed` that records no
 * time is charged its estimate too. A run that never started (skipped, or cancelled before it
 * ran, as the queued runs of a job stopped at its time limit are) costs nothing.
 */
export function runGpuHours(e: Omit<Charged, "phase" | "git_commit">): number {
  const measured = Math.max(positive(e.duration_hours), wallClockHours(e.started, e.finished));
  const estimate = positive(e.expected_duration_hours);
  if (lost(e)) return Math.max(measured, estimate);
  if (measured > 0) return measured;
  return e.status === "done" || e.status === "failed" ? estimate : 0;
}

function lost(e: Pick<StateEntry, "status" | "reason">): boolean {
  return e.status === "failed" && (e.reason === "shard lost" || e.reason === LOST_TWICE_REASON);
}

function positive(n: number | null): number {
  return n !== null && Number.isFinite(n) && n > 0 ? n : 0;
}

function wallClockHours(started: string | null, finished: string | null): number {
  if (started === null || finished === null) return 0;
  const ms = Date.parse(finished) - Date.parse(started);
  return Number.isFinite(ms) && ms > 0 ? ms / 3_600_000 : 0;
}
