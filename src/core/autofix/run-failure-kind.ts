import type { FailureKind } from "../runner/classify-outcome.js";

/**
 * The failure kind behind a run's one-line reason, as `classifyOutcome` words it
 * ("out-of-memory: ...", "exit 1: ...", "could not start: ..."), so a fixer can declare
 * `answers: [no-result]` without parsing prose.
 */
export function runFailureKind(reason: string, status: string): FailureKind | "failed" {
  if (status === "on_hold") return "timeout";
  const head = reason.split(":")[0]?.trim() ?? "";
  if (KINDS.has(head)) return head as FailureKind;
  if (/^exit -?\d+/.test(head)) return "non-zero-exit";
  if (head.startsWith("could not start")) return "spawn-error";
  return "failed";
}

const KINDS = new Set<string>([
  "cancelled",
  "timeout",
  "out-of-memory",
  "signal",
  "non-zero-exit",
  "no-result",
  "invalid-result",
  "spawn-error",
]);
