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
