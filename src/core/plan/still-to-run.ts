import { FINAL_STATUSES, type StateEntry } from "../state/state-entry.js";
import type { PlannedRun } from "./planned-run.js";

/** What the results state says of a campaign's runs, before a later wave is planned. */
export interface StillToRun {
  /** The runs to plan, in the campaign's order: never reported, lost, or interrupted. */
  runs: PlannedRun[];
  /** Runs of the campaign with a final entry: done, failed after their retries, stopped early, skipped. */
  finished: number;
  /** Runs a final entry says were lost or interrupted (planned again), by id. */
  again: string[];
}

/**
 * Lost through no fault of its own, so a later wave runs it again: its shard left nothing
 * (`failed` / `shard lost`, collect-shard-sidecars.ts), or its job was stopped under it
 * (`cancelled` with the reason the run job's signal handler gives, cancel-signal.ts).
 */
export function interrupted(entry: Pick<StateEntry, "status" | "reason">): boolean {
  const reason = entry.reason ?? "";
  return (
    (entry.status === "failed" && reason === "shard lost") ||
    (entry.status === "cancelled" && reason.startsWith("cancelled: the job received"))
  );
}

/** The reason a run lost or interrupted in two waves of one approval ends with: it is not planned again. */
export const LOST_TWICE_REASON = "lost twice: not planned again";

/**
 * Whether `next` (a sidecar about to be merged) reports the run lost or interrupted again, at the
 * same approved commit whose earlier wave already lost it (`before`, the state's entry): the run
 * then ends `failed` / `LOST_TWICE_REASON` instead of being planned a third time. Code that kills
 * its own job (or the runner) is charged for each loss (measured-gpu-hours.ts) and cannot make
 * the waves run it forever.
 */
export function lostAgain(
  before: Pick<StateEntry, "status" | "reason" | "git_commit">,
  next: Partial<Pick<StateEntry, "status" | "reason" | "git_commit">>,
): boolean {
  if (next.status === undefined || next.status === null) return false;
  if (!interrupted(before) || !interrupted({ status: next.status, reason: next.reason ?? null }))
    return false;
  const commit = next.git_commit ?? before.git_commit;
  return before.git_commit !== null && commit === before.git_commit;
}

/**
 * The runs of a campaign at approved commit `sha` still to run (docs/runners.md, "Waves"): those
 * without a final entry in the state the earlier waves committed. A run `done` counts whatever
 * commit it ran at (the run job skips it as well); any other final status counts only when it
 * was recorded at `sha`, by this campaign: a run that failed under older code runs again. A run
 * that failed after its retries, stopped early or was skipped (a pilot stage that did not pass)
 * is not run again; one lost or interrupted is, once: a run lost or interrupted in two waves ends
 * `failed` / `LOST_TWICE_REASON` when the second loss is merged (`lostAgain`), a final entry.
 */
export function stillToRun(
  runs: readonly PlannedRun[],
  entries: Iterable<StateEntry>,
  sha: string,
): StillToRun {
  const byId = new Map<string, StateEntry>();
  for (const e of entries) byId.set(e.id, e);
  const left: PlannedRun[] = [];
  const again: string[] = [];
  let finished = 0;
  for (const run of runs) {
    const entry = byId.get(run.run_id);
    const final =
      entry !== undefined &&
      FINAL_STATUSES.includes(entry.status) &&
      (entry.status === "done" || entry.git_commit === sha);
    if (final && interrupted(entry)) again.push(run.run_id);
    if (final && !interrupted(entry)) finished++;
    else left.push(run);
  }
  return { runs: left, finished, again };
}
