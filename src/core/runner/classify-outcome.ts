import type { Failure } from "../failure/failure.js";
import type { RunStatus } from "../state/state-entry.js";

/** What a finished process looked like, as the runner saw it (see `src/exec/run-process.ts`). */
export interface AttemptOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The end of the run's log, where out-of-memory messages show up. */
  logTail: string;
  /** The program could not be started (ENOENT, EACCES). */
  spawnError: Failure<"spawn-error"> | null;
}

/** Whether the result file was there and matched the contract (docs/definitions.md). */
export type ResultCheck =
  | { kind: "ok" }
  | { kind: "missing" }
  | { kind: "invalid"; message: string }
  /** `metrics_from` found nothing in the output or the file it names (docs/definitions.md). */
  | { kind: "no-metrics"; message: string };

export type FailureKind =
  | "cancelled"
  | "timeout"
  | "out-of-memory"
  | "signal"
  | "non-zero-exit"
  | "no-result"
  | "invalid-result"
  | "spawn-error";

/**
 * The words a failure's one-line reason starts with, by kind: classifyOutcome writes them and
 * `failureKindOfReason` reads them back from a state entry, which keeps only the reason. A
 * non-zero exit is followed by its code (`exit 1: ...`).
 */
export const REASON_HEAD: Readonly<Record<FailureKind, string>> = {
  cancelled: "cancelled",
  timeout: "timeout",
  "out-of-memory": "out-of-memory",
  signal: "signal",
  "non-zero-exit": "exit",
  "no-result": "no-result",
  "invalid-result": "invalid-result",
  "spawn-error": "could not start",
};

/** The kind whose head (`REASON_HEAD`) `reason` starts with, or undefined for any other reason. */
export function failureKindOfReason(reason: string): FailureKind | undefined {
  const head = reason.split(":")[0]?.trim() ?? "";
  if (new RegExp(`^${REASON_HEAD["non-zero-exit"]} -?\\d+`).test(head)) return "non-zero-exit";
  if (head.startsWith(REASON_HEAD["spawn-error"])) return "spawn-error";
  // the kind's own name is accepted too (a reason written as `<kind>: ...` by another writer)
  return (Object.keys(REASON_HEAD) as FailureKind[]).find(
    (k) => head === k || (k !== "non-zero-exit" && head === REASON_HEAD[k]),
  );
}

export interface Classification {
  status: Extract<RunStatus, "done" | "failed" | "on_hold" | "cancelled">;
  kind: FailureKind | null;
  /** One line, for the state's `reason` and the results README. */
  reason: string | null;
  /**
   * Set when running the same command again cannot end differently (a deterministic failure),
   * saying why: the runner then does not retry, and appends "not retried: <this>" to the reason.
   * Infrastructure failures (a signal, out-of-memory, a timeout, a spawn error, a lost runner)
   * leave it unset: they are retried.
   */
  noRetry?: string;
}

/**
 * Python errors that, as the last line of the log, mean the script failed before it did any work
 * and will fail the same way on every attempt.
 */
const START_ERRORS: readonly [RegExp, string][] = [
  [/^ModuleNotFoundError\b/, "a missing module fails the same way again"],
  [/^ImportError\b/, "an import error fails the same way again"],
  [/^(SyntaxError|IndentationError|TabError)\b/, "a syntax error fails the same way again"],
  [/^FileNotFoundError\b/, "a missing file fails the same way again"],
];

/** CUDA and PyTorch wordings of running out of GPU memory, and the kernel's OOM killer. */
const OOM_TEXT =
  /CUDA out of memory|CUDA error: out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED|RESOURCE_EXHAUSTED: Out of memory/i;

/**
 * Turns one attempt into a status and a one-line reason (docs/dispatch-state.md, docs/runners.md). Order matters: a run
 * stopped by us (cancel, timeout) is reported as such even though it also died of a signal;
 * exit 137 is SIGKILL, which on a GPU machine is almost always the OOM killer, so it reads as
 * out-of-memory, as does a CUDA out-of-memory message at the end of the log.
 */
export function classifyOutcome(outcome: AttemptOutcome, result: ResultCheck): Classification {
  if (outcome.cancelled)
    return { status: "cancelled", kind: "cancelled", reason: REASON_HEAD.cancelled };
  if (outcome.timedOut)
    return {
      status: "on_hold",
      kind: "timeout",
      reason: `${REASON_HEAD.timeout}: stopped after its time limit`,
    };
  if (outcome.spawnError)
    return {
      status: "failed",
      kind: "spawn-error",
      reason: `${REASON_HEAD["spawn-error"]}: ${firstLine(outcome.spawnError.message)}`,
    };
  const oomLine = lastMatchingLine(outcome.logTail, OOM_TEXT);
  if (oomLine !== undefined)
    return {
      status: "failed",
      kind: "out-of-memory",
      reason: `${REASON_HEAD["out-of-memory"]}: ${oomLine}`,
    };
  if (outcome.exitCode === 137)
    return {
      status: "failed",
      kind: "out-of-memory",
      reason: `${REASON_HEAD["out-of-memory"]}: exit 137 (killed, most likely by the OOM killer)`,
    };
  if (outcome.signal)
    return {
      status: "failed",
      kind: "signal",
      reason: `${REASON_HEAD.signal}: killed by ${outcome.signal}`,
    };
  if (outcome.exitCode !== 0) {
    const last = lastLine(outcome.logTail);
    const noRetry = START_ERRORS.find(([re]) => re.test(last))?.[1];
    return {
      status: "failed",
      kind: "non-zero-exit",
      reason: `${REASON_HEAD["non-zero-exit"]} ${outcome.exitCode}${last ? `: ${last}` : ""}`,
      ...(noRetry ? { noRetry } : {}),
    };
  }
  if (result.kind === "missing")
    return {
      status: "failed",
      kind: "no-result",
      reason: `${REASON_HEAD["no-result"]}: exited 0 without writing its result file`,
      noRetry: "a script that exits 0 without its result file does so again",
    };
  if (result.kind === "no-metrics")
    return {
      status: "failed",
      kind: "no-result",
      reason: `${REASON_HEAD["no-result"]}: exited 0, but ${firstLine(result.message)}`,
      noRetry: "a script that exits 0 without its metrics does so again",
    };
  if (result.kind === "invalid")
    return {
      status: "failed",
      kind: "invalid-result",
      reason: `${REASON_HEAD["invalid-result"]}: ${firstLine(result.message)}`,
      noRetry: "a result file that breaks the contract is written the same way again",
    };
  return { status: "done", kind: null, reason: null };
}

const MAX_REASON = 200;

function clip(s: string): string {
  return s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s;
}

function firstLine(s: string): string {
  return clip((s.split(/\r?\n/).find((l) => l.trim() !== "") ?? "").trim());
}

function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== "");
  return clip((lines[lines.length - 1] ?? "").trim());
}

function lastMatchingLine(s: string, re: RegExp): string | undefined {
  const lines = s.split(/\r?\n/).filter((l) => re.test(l));
  const line = lines[lines.length - 1];
  return line === undefined ? undefined : clip(line.trim());
}
