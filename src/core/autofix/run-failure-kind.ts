import { type FailureKind, failureKindOfReason, REASON_HEAD } from "../runner/classify-outcome.js";

/**
 * The failure kind of a run in `state.json`, so a fixer can declare `answers: [no-result]`: the
 * kind the runner stored with the entry (`failure_kind`, docs/dispatch-state.md). An entry written
 * before labgate stored it keeps only the one-line reason, so for it the kind is read from the
 * words classifyOutcome starts the reason with (`failureKindOfReason`); a run on hold timed out.
 */
export function runFailureKind(
  reason: string,
  status: string,
  stored?: string | null,
): FailureKind | "failed" {
  if (stored && Object.hasOwn(REASON_HEAD, stored)) return stored as FailureKind;
  if (status === "on_hold") return "timeout";
  return failureKindOfReason(reason) ?? "failed";
}
