import type { RunStatus, StateEntry } from "../state/state-entry.js";
import { FINAL_STATUSES } from "../state/state-entry.js";

/** SLURM states of a job (squeue's, sacct's and scontrol's long names), as labgate reads them. */
const WAITING = new Set([
  "PENDING",
  "CONFIGURING",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "RESIZING",
  "SUSPENDED",
  "STOPPED",
  "SIGNALING",
  "STAGE_OUT",
  "RESV_DEL_HOLD",
]);
const RUNNING = new Set(["RUNNING", "COMPLETING"]);
/** Failures of the machine, not of the run: the run is submitted again. */
export const INFRASTRUCTURE_STATES = new Set(["NODE_FAIL", "PREEMPTED", "BOOT_FAIL"]);

/** What the runner does with one array task, given SLURM's state and the task's sidecar. */
export type TaskVerdict =
  | { kind: "waiting" }
  | { kind: "running" }
  /** The sidecar the task wrote is the run's final entry, as is. */
  | { kind: "sidecar" }
  | {
      kind: "final";
      status: Extract<RunStatus, "failed" | "on_hold" | "cancelled">;
      reason: string;
    }
  /** Submit the run again (an infrastructure failure). */
  | { kind: "retry"; reason: string };

/**
 * SLURM's state of a task → labgate's (docs/runners.md, "SLURM"): `TIMEOUT` → `on_hold`,
 * `OUT_OF_MEMORY` → `failed (out-of-memory)`, `NODE_FAIL`/`PREEMPTED`/`BOOT_FAIL` → submitted
 * again, `CANCELLED` → `cancelled`, `FAILED`/`COMPLETED` → what the run's sidecar says; a task
 * whose sidecar never reached a final status is `failed (no sidecar: slurm state X)`. `state` is
 * null when SLURM no longer knows the job (it left the queue and accounting is off).
 */
export function taskVerdict(
  state: string | null,
  sidecar: Pick<StateEntry, "status"> | undefined,
): TaskVerdict {
  const s = state?.toUpperCase().split(/[\s+]/)[0] ?? null;
  if (s !== null && WAITING.has(s)) return { kind: "waiting" };
  if (s !== null && RUNNING.has(s)) return { kind: "running" };
  const final = sidecar !== undefined && FINAL_STATUSES.includes(sidecar.status);
  switch (s) {
    case "OUT_OF_MEMORY":
      return {
        kind: "final",
        status: "failed",
        reason: "out-of-memory (slurm state OUT_OF_MEMORY: the job passed its memory limit)",
      };
    case "TIMEOUT":
    case "DEADLINE":
      // The task's labgate stopped the run itself (on_hold) or it ended right at the limit.
      if (final && sidecar.status !== "cancelled") return { kind: "sidecar" };
      return {
        kind: "final",
        status: "on_hold",
        reason: `timeout: the job reached its SLURM time limit (slurm state ${s})`,
      };
    case "NODE_FAIL":
    case "PREEMPTED":
    case "BOOT_FAIL":
      if (final && sidecar.status === "done") return { kind: "sidecar" };
      return { kind: "retry", reason: `infrastructure: slurm state ${s}` };
    case "CANCELLED":
      if (final) return { kind: "sidecar" };
      return { kind: "final", status: "cancelled", reason: "cancelled (slurm state CANCELLED)" };
    default:
      if (final) return { kind: "sidecar" };
      return {
        kind: "final",
        status: "failed",
        reason: `no sidecar: slurm state ${s ?? "unknown (the job left the queue and accounting is off)"}`,
      };
  }
}
