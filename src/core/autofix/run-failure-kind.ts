import { type FailureKind, failureKindOfReason } from "../runner/classify-outcome.js";

/**
 * The failure kind of a run in `state.json`, so a fixer can declare `answers: [no-result]`. A
 * state entry keeps only the one-line reason, so the kind is read from the words classifyOutcome
 * starts it with (`failureKindOfReason`, beside the code that writes them); a run on hold timed out.
 */
export function runFailureKind(reason: string, status: string): FailureKind | "failed" {
  if (status === "on_hold") return "timeout";
  return failureKindOfReason(reason) ?? "failed";
}
