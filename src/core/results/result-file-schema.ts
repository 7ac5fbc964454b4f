import { z } from "zod";
import { messageOf } from "../failure/failure.js";

/**
 * The contract with an experiment script (docs/definitions.md): it writes `{result_file}` as
 * `{ "metrics": { name: number }, "meta": { ... } }`. `meta` may carry `wandb_run_id`,
 * `hf_artifact_url` and anything else; it is kept as is.
 */
export const ResultFile = z.object({
  metrics: z.record(z.string(), z.number().refine(Number.isFinite, "must be a finite number")),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type ResultFile = z.infer<typeof ResultFile>;

export type ResultFileParse =
  | { ok: true; value: ResultFile }
  | { ok: false; code: "not-json" | "not-a-result-file"; message: string };

const EXPECTED = `expected { "metrics": { "name": number }, "meta": { ... } }`;

/**
 * A result file's text -> its metrics and meta, or why it is not a result file (the message says
 * what was found and what is expected; the caller adds the file's path). The one parser of result
 * files: the runner checks a run's file with it, and the results export reads every file with it.
 */
export function parseResultFile(text: string): ResultFileParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: "not-json", message: `not JSON (${messageOf(err)})` };
  }
  if (isPlainResult(json)) return { ok: true, value: json };
  const r = ResultFile.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const i = r.error.issues[0];
  return {
    ok: false,
    code: "not-a-result-file",
    message: `not a result file: ${i?.path.join(".") || "(root)"}: ${i?.message}; ${EXPECTED}`,
  };
}

/**
 * The common case of the schema, checked without zod (an export reads 10^6 result files): finite
 * numeric metrics and an object `meta` (absent reads as `{}`). Anything else goes through the
 * schema, for its message.
 */
function isPlainResult(json: unknown): json is ResultFile {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const { metrics, meta } = json as Record<string, unknown>;
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) return false;
  for (const k in metrics)
    if (!Number.isFinite((metrics as Record<string, unknown>)[k])) return false;
  if (meta === undefined) (json as Record<string, unknown>).meta = {};
  else if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return false;
  return true;
}
