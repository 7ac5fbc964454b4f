export type { DispatchState, StateEntry } from "./state-entry-schema.js";

/** docs/dispatch-state.md: pending -> queued -> running -> done | failed | on_hold | cancelled. */
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
