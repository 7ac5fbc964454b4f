import { z } from "zod";
import { Scalar } from "../definitions/definitions-schema.js";
import { badRunIdMessage, isValidRunId, runIdParts } from "../plan/run-id.js";
import { RUN_STATUSES } from "./state-entry.js";

const str = z.string().nullable();
const num = z.number().nullable();

/**
 * The documented fields of a `StateEntry` (docs/dispatch-state.md), in the order
 * `dispatch/state.json` writes them: the one
 * list of them. Identity fields are required; what a runner fills in later defaults to null, the
 * rest to an empty value, so a state written by an older labgate still reads.
 */
const DOCUMENTED_FIELDS = {
  // Never used as a path unless it is a run id a plan could have made (docs/security.md).
  id: z.string().refine(isValidRunId, { error: (issue) => badRunIdMessage(issue.input) }),
  exp_id: z.string().min(1),
  /** "pilot" | "full" | "pilot (archived)" */
  phase: z.string().min(1),
  stage: num.default(null),
  method: z.string(),
  dataset: z.string(),
  params: z.record(z.string(), Scalar).default({}),
  seed: z.number(),
  command: z.string().default(""),
  status: z.enum(RUN_STATUSES),
  host: str.default(null),
  gpu: str.default(null),
  pid: num.default(null),
  job_id: str.default(null),
  shard: num.default(null),
  started: str.default(null),
  finished: str.default(null),
  exit_code: num.default(null),
  reason: str.default(null),
  retry_count: z.number().default(0),
  git_commit: str.default(null),
  checkpoint_dir: z.string().default(""),
  result_file: z.string().default(""),
  expected_duration_hours: z.number().default(0),
  vram_mb: z.number().default(0),
  wandb_run_id: str.default(null),
  hf_artifact_url: str.default(null),
  run_url: str.default(null),
  notes: str.default(null),
};

/** labgate's extension fields; they follow the documented fields in state.json. */
const EXTENSION_FIELDS = {
  /** Measured wall-clock hours of the final attempt. */
  duration_hours: num.default(null),
  /** Peak GPU memory used by the run's processes, MB, when measured on a GPU. */
  peak_vram_mb: num.default(null),
  /**
   * The boot of `host` that `pid` belongs to (Linux boot_id) and the process's start time in clock
   * ticks after that boot: a `running` run whose pid is gone, or reused, or from an earlier boot
   * lost its runner. Absent stays absent.
   */
  boot_id: str.optional(),
  pid_start: num.optional(),
  /**
   * Why a failed, on-hold or cancelled run ended, as a code: the runner's classification
   * (`FailureKind`: timeout, out-of-memory, non-zero-exit, no-result, …) of its last attempt. It
   * follows the status (a sidecar that reports a status without it clears it). Absent in entries
   * written before labgate recorded it, and where no classification applies (a lost runner or
   * shard): readers then fall back to the words `reason` starts with.
   */
  failure_kind: z.string().min(1).optional(),
};

const StateEntryObject = z.object({ ...DOCUMENTED_FIELDS, ...EXTENSION_FIELDS });

/** One run in `dispatch/state.json`, and the shape of its sidecar `dispatch/<run_id>.status.json`. */
export type StateEntry = z.infer<typeof StateEntryObject>;

/** The documented field order of a state entry (serialize-dispatch-state.ts writes it). */
export const STATE_ENTRY_FIELDS = Object.keys(
  DOCUMENTED_FIELDS,
) as (keyof typeof DOCUMENTED_FIELDS)[];

/**
 * The zod reading of a `StateEntry` (docs/dispatch-state.md). Unknown keys are kept: a newer labgate's extension
 * fields survive a merge by this one.
 */
export const StateEntrySchema = StateEntryObject.loose() as unknown as z.ZodType<StateEntry>;

const DispatchStateObject = z.object({
  project: z.string(),
  updated: z.string(),
  experiments: z.array(StateEntryObject),
});
export type DispatchState = z.infer<typeof DispatchStateObject>;

export const DispatchStateSchema = z.looseObject({
  ...DispatchStateObject.shape,
  experiments: z.array(StateEntrySchema),
}) as unknown as z.ZodType<DispatchState>;

/** Each field's type without its default: what a sidecar holds when it holds the field. */
const bareShape = Object.fromEntries(
  Object.entries(StateEntryObject.shape).map(([k, t]) => [
    k,
    t instanceof z.ZodDefault ? (t.unwrap() as z.ZodType) : t,
  ]),
) as Record<string, z.ZodType>;

/** Each field's default: what an entry new to the state holds where its sidecar says nothing. */
const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  Object.entries(StateEntryObject.shape).flatMap(([k, t]) =>
    t instanceof z.ZodDefault ? [[k, t.def.defaultValue]] : [],
  ),
);

/**
 * A sidecar `dispatch/<run_id>.status.json`. The runner writes a whole entry, but only `id` is
 * required: a field that is absent or null leaves the state's value alone (docs/dispatch-state.md).
 */
export const SidecarSchema = z
  .looseObject(bareShape)
  .partial()
  .required({ id: true }) as unknown as z.ZodType<Sidecar>;

export type Sidecar = Partial<StateEntry> & { id: string };

/** A full entry from a sidecar whose run the state does not know: what it lacks reads as empty. */
export function entryFromSidecar(s: Sidecar): StateEntry {
  const parts = runIdParts(s.id);
  const entry: Record<string, unknown> = {
    ...DEFAULTS,
    exp_id: parts?.variant ?? s.id,
    phase: "unknown",
    method: "",
    dataset: "",
    seed: parts?.seed ?? 0,
    status: "pending",
  };
  for (const [k, v] of Object.entries(s)) if (v !== null && v !== undefined) entry[k] = v;
  return entry as unknown as StateEntry;
}
