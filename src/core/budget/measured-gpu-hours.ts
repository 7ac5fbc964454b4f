import type { StateEntry } from "../state/state-entry.js";

/**
 * The GPU-hours a campaign at approved commit `sha` has measured so far (docs/approval.md, "The
 * budget"): the full-phase runs the results state records at `sha`, each charged its measured
 * wall-clock hours on its one GPU (`duration_hours`, else `finished - started`). Runs recorded at
 * another commit were paid for by another approval; a run with no times (lost before it started)
 * costs nothing here.
 */
export function measuredGpuHours(
  entries: Iterable<
    Pick<StateEntry, "phase" | "git_commit" | "duration_hours" | "started" | "finished">
  >,
  sha: string,
): number {
  let hours = 0;
  for (const e of entries) {
    if (e.phase !== "full" || e.git_commit !== sha) continue;
    hours += runHours(e);
  }
  return hours;
}

function runHours(e: Pick<StateEntry, "duration_hours" | "started" | "finished">): number {
  if (e.duration_hours !== null && Number.isFinite(e.duration_hours) && e.duration_hours > 0)
    return e.duration_hours;
  if (e.started === null || e.finished === null) return 0;
  const ms = Date.parse(e.finished) - Date.parse(e.started);
  return Number.isFinite(ms) && ms > 0 ? ms / 3_600_000 : 0;
}
