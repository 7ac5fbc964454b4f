import type { Scalar } from "../definitions/definitions-schema.js";

const UNSAFE = /[^A-Za-z0-9.-]+/g;

/** A param value as it appears in a run id: file-name safe, stable. */
export function idPart(value: Scalar): string {
  return String(value).replace(UNSAFE, "-");
}

/** `<exp_id>[__<k>-<v>...]` — the experiment id with its params, used as `exp_id` in results (SPEC §5). */
export function variantId(expId: string, params: Readonly<Record<string, Scalar>>): string {
  let id = expId;
  for (const [k, v] of Object.entries(params)) id += `__${idPart(k)}-${idPart(v)}`;
  return id;
}

/** `run_id = <exp_id>[__<k>-<v>...]_s<seed>` (SPEC §3). */
export function runId(
  expId: string,
  params: Readonly<Record<string, Scalar>>,
  seed: number,
): string {
  return `${variantId(expId, params)}_s${seed}`;
}

/**
 * What a plan's run id is made of: letters, digits, '.', '_' and '-' (experiment ids, `idPart`s
 * and the `_s<seed>` suffix), never "." or "..". An id is a file name (its sidecar, its result
 * file, its log), so an id that is not of this form is never used to build a path: one read from
 * `dispatch/state.json`, a sidecar or a shard artifact is data a PR or a runner wrote.
 */
const RUN_ID = /^[A-Za-z0-9._-]+$/;

/** True when `id` can be a run id of a plan (see `parseRunId` for the reason when it cannot). */
export function isValidRunId(id: unknown): id is string {
  return typeof id === "string" && RUN_ID.test(id) && id !== "." && id !== "..";
}

/**
 * What `runId` put together, read back: `<expId>[__<k>-<v>...]_s<seed>`. `variant` is the id
 * without its seed suffix (`exp_id` in the results), `expId` the variant before its first `__`
 * (the definitions' experiment id), `params` the `<k>-<v>` parts after it. `seed` is undefined
 * for an id with no `_s<seed>` suffix (a variant id passed in); then `variant` is the whole id.
 */
export interface RunIdParts {
  variant: string;
  expId: string;
  params: string[];
  seed: number | undefined;
}

export type RunIdCheck =
  | ({ ok: true; id: string } & RunIdParts)
  | { ok: false; code: "bad-run-id"; message: string };

/**
 * `id` as a run id, with its parts (`runIdParts`), or why it is not one. `source` names where the
 * id was read (a file, a field), so the message says where to fix it.
 */
export function parseRunId(id: unknown, source?: string): RunIdCheck {
  if (isValidRunId(id)) return { ok: true, id, ...runIdParts(id) };
  return { ok: false, code: "bad-run-id", message: badRunIdMessage(id, source) };
}

const SEED_SUFFIX = /_s(-?\d+)$/;

/**
 * The parts of a run id or of a variant id (see `RunIdParts`): the one place either is split.
 * It does not check the id (`parseRunId` does): results rows and sidecars name variants and runs
 * that are only ever compared, never used as a path, through it.
 */
export function runIdParts(id: string): RunIdParts {
  const seed = SEED_SUFFIX.exec(id);
  const variant = seed ? id.slice(0, seed.index) : id;
  const [expId = variant, ...params] = variant.split("__");
  return {
    variant,
    expId: expId === "" ? variant : expId,
    params,
    seed: seed ? Number(seed[1]) : undefined,
  };
}

/** The sentence for a value that is not a run id: what it was, where, what a run id is. */
export function badRunIdMessage(id: unknown, source?: string): string {
  const shown =
    typeof id === "string"
      ? JSON.stringify(id.length > 120 ? `${id.slice(0, 120)}…` : id)
      : String(id);
  return `${source ? `${source}: ` : ""}${shown} is not a run id (a run id is made of letters, digits, '.', '_' and '-', is not "." or "..", and comes from experiments/definitions.json); it was not used as a path. Fix or remove that entry: labgate rewrites it from the plan.`;
}
