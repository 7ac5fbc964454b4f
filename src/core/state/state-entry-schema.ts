import { z } from "zod";
import { Scalar } from "../definitions/definitions-schema.js";
import { badRunIdMessage, isValidRunId } from "../plan/run-id.js";
import { RUN_STATUSES, type StateEntry } from "./state-entry.js";

const str = z.string().nullable();
const num = z.number().nullable();

/** Fields a runner fills in as a run progresses; absent in an older state, they read as null. */
const progress = {
  stage: num,
  host: str,
  gpu: str,
  pid: num,
  job_id: str,
  shard: num,
  started: str,
  finished: str,
  exit_code: num,
  reason: str,
  git_commit: str,
  wandb_run_id: str,
  hf_artifact_url: str,
  run_url: str,
  notes: str,
  duration_hours: num,
  peak_vram_mb: num,
};

/** Where a run's process lives, beside `host` and `pid` (labgate extension); absent stays absent. */
const processIdentity = {
  boot_id: str.optional(),
  pid_start: num.optional(),
};

const identity = {
  // Never used as a path unless it is a run id a plan could have made (docs/security.md).
  id: z.string().refine(isValidRunId, { error: (issue) => badRunIdMessage(issue.input) }),
  exp_id: z.string().min(1),
  phase: z.string().min(1),
  method: z.string(),
  dataset: z.string(),
  seed: z.number(),
  status: z.enum(RUN_STATUSES),
};

const withDefaults = {
  params: z.record(z.string(), Scalar),
  command: z.string(),
  retry_count: z.number(),
  checkpoint_dir: z.string(),
  result_file: z.string(),
  expected_duration_hours: z.number(),
  vram_mb: z.number(),
};

const DEFAULTS = {
  params: {},
  command: "",
  retry_count: 0,
  checkpoint_dir: "",
  result_file: "",
  expected_duration_hours: 0,
  vram_mb: 0,
} as const;

/**
 * The zod reading of a `StateEntry` (SPEC §4). Identity fields are required; what a runner fills
 * in later defaults to null, so a state written by an older labgate still reads. Unknown keys are
 * kept: a newer labgate's extension fields survive a merge by this one.
 */
export const StateEntrySchema = z.looseObject({
  ...identity,
  ...processIdentity,
  ...Object.fromEntries(
    Object.entries(progress).map(([k, t]) => [k, (t as z.ZodType).default(null as never)]),
  ),
  ...Object.fromEntries(
    Object.entries(withDefaults).map(([k, t]) => [
      k,
      (t as z.ZodType).default(DEFAULTS[k as keyof typeof DEFAULTS] as never),
    ]),
  ),
}) as unknown as z.ZodType<StateEntry>;

export const DispatchStateSchema = z.looseObject({
  project: z.string(),
  updated: z.string(),
  experiments: z.array(StateEntrySchema),
});

/**
 * A sidecar `dispatch/<run_id>.status.json`. The runner writes a whole entry, but only `id` is
 * required: a field that is absent or null leaves the state's value alone (SPEC §4).
 */
export const SidecarSchema = z
  .looseObject({ ...identity, ...processIdentity, ...progress, ...withDefaults })
  .partial()
  .required({ id: true }) as unknown as z.ZodType<Sidecar>;

export type Sidecar = Partial<StateEntry> & { id: string };

/** A full entry from a sidecar whose run the state does not know: what it lacks reads as empty. */
export function entryFromSidecar(s: Sidecar): StateEntry {
  const entry: Record<string, unknown> = { ...DEFAULTS };
  for (const k of Object.keys(progress)) entry[k] = null;
  Object.assign(entry, {
    exp_id: s.id.replace(/_s-?\d+$/, ""),
    phase: "unknown",
    method: "",
    dataset: "",
    seed: Number(/_s(-?\d+)$/.exec(s.id)?.[1] ?? 0),
    status: "pending",
  });
  for (const [k, v] of Object.entries(s)) if (v !== null && v !== undefined) entry[k] = v;
  return entry as unknown as StateEntry;
}
