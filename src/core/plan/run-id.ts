import type { Scalar } from "../definitions/definitions-schema.js";

const UNSAFE = /[^A-Za-z0-9.-]+/g;

/** A param value as it appears in a run id: file-name safe, stable. */
export function idPart(value: Scalar): string {
  return String(value).replace(UNSAFE, "-");
}

/** `<exp_id>[__<k>-<v>...]` — the experiment id with its params, used as `exp_id` in results (docs/results.md). */
export function variantId(expId: string, params: Readonly<Record<string, Scalar>>): string {
  let id = expId;
  for (const [k, v] of Object.entries(params)) id += `__${idPart(k)}-${idPart(v)}`;
  return id;
}

/** `run_id = <exp_id>[__<k>-<v>...]_s<seed>` (docs/definitions.md). */
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

/** What `variantId` put together, read back: the experiment id and the `<k>-<v>` parts. */
export interface VariantParts {
  expId: string;
  params: string[];
}

/**
 * What `runId` put together, read back: `<expId>[__<k>-<v>...]_s<seed>`. `variant` is the id
 * without its seed suffix (`exp_id` in the results); `expId` and `params` are its `VariantParts`.
 */
export interface RunIdParts extends VariantParts {
  variant: string;
  seed: number;
}

export type RunIdCheck =
  | ({ ok: true; id: string } & Partial<RunIdParts>)
  | { ok: false; code: "bad-run-id"; message: string };

/**
 * `id` as a run id, with its parts (`runIdParts`) when it ends in a seed suffix, or why it is not
 * a run id. `source` names where the id was read (a file, a field), so the message says where to
 * fix it.
 */
export function parseRunId(id: unknown, source?: string): RunIdCheck {
  if (isValidRunId(id)) return { ok: true, id, ...runIdParts(id) };
  return { ok: false, code: "bad-run-id", message: badRunIdMessage(id, source) };
}

const SEED_SUFFIX = /_s(-?\d+)$/;

/**
 * The parts of a run id (see `RunIdParts`), or undefined when it has no `_s<seed>` suffix: the
 * one place a run id is split. It does not check the id (`parseRunId` does).
 */
export function runIdParts(id: string): RunIdParts | undefined {
  const seed = SEED_SUFFIX.exec(id);
  if (!seed) return undefined;
  const variant = id.slice(0, seed.index);
  return { variant, ...variantParts(variant), seed: Number(seed[1]) };
}

/**
 * The parts of a variant id `<expId>[__<k>-<v>...]` (`exp_id` in the results): the one place a
 * variant id is split. The experiment id is what comes before the first `__`.
 */
export function variantParts(variant: string): VariantParts {
  const [expId = "", ...params] = variant.split("__");
  return expId === "" ? { expId: variant, params: [] } : { expId, params };
}

/** The sentence for a value that is not a run id: what it was, where, what a run id is. */
export function badRunIdMessage(id: unknown, source?: string): string {
  const shown =
    typeof id === "string"
      ? JSON.stringify(id.length > 120 ? `${id.slice(0, 120)}…` : id)
      : String(id);
  return `${source ? `${source}: ` : ""}${shown} is not a run id (a run id is made of letters, digits, '.', '_' and '-', is not "." or "..", and comes from experiments/definitions.json); it was not used as a path. Fix or remove that entry: labgate rewrites it from the plan.`;
}
