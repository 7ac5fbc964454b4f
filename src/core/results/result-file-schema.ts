import { z } from "zod";

/**
 * The contract with an experiment script (SPEC §3): it writes `{result_file}` as
 * `{ "metrics": { name: number }, "meta": { ... } }`. `meta` may carry `wandb_run_id`,
 * `hf_artifact_url` and anything else; it is kept as is.
 */
export const ResultFile = z.object({
  metrics: z.record(z.string(), z.number().refine(Number.isFinite, "must be a finite number")),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type ResultFile = z.infer<typeof ResultFile>;
