import { z } from "zod";
import type { StateEntry } from "../state/state-entry.js";

/**
 * What the per-run step inside an array task needs, written by the runner before `sbatch`
 * beside the batch script (`.labgate/slurm/<array name>.json`, docs/runners.md): the runs by
 * array index, each with its queued state entry (the plan's paths: result file, checkpoint
 * folder), its argv with placeholders filled, and the runner's limits. The task reads nothing
 * else, so it runs exactly what the runner planned.
 */
export const SlurmTaskRun = z.strictObject({
  entry: z.custom<StateEntry>(
    (v) => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string",
  ),
  argv: z.array(z.string()).min(1),
  retries: z.int().min(0),
  supports_resume: z.boolean(),
  /** The arguments a retry appends (the experiment's `script_flags.resume`, filled in). */
  resume_args: z.array(z.string()).default([]),
  /** The experiment's `metrics_from`, filled in: where the per-run step reads the metrics. */
  capture: z
    .discriminatedUnion("kind", [
      z.strictObject({
        kind: z.literal("output"),
        stdout: z.record(z.string(), z.string()).optional(),
        pattern: z.string().optional(),
      }),
      z.strictObject({
        kind: z.literal("file"),
        path: z.string(),
        format: z.enum(["json", "csv", "jsonl"]),
        key: z.string().optional(),
      }),
    ])
    .optional(),
});
export type SlurmTaskRun = z.infer<typeof SlurmTaskRun>;

export const SlurmTaskManifest = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  dispatch_dir: z.string().min(1),
  timeout_factor: z.number().positive(),
  kill_grace_ms: z.number().min(0),
  max_result_bytes: z.int().positive(),
  runs: z.array(SlurmTaskRun).min(1),
});
export type SlurmTaskManifest = z.infer<typeof SlurmTaskManifest>;

/** Where the runner keeps each array's manifest, batch script and task output (repo-relative). */
export const SLURM_DIR = ".labgate/slurm";
export const manifestPath = (name: string) => `${SLURM_DIR}/${checkedName(name)}.json`;
export const batchScriptPath = (name: string) => `${SLURM_DIR}/${checkedName(name)}.sh`;
/** `%a`: SLURM puts the task index there. */
export const taskOutputPattern = (name: string) => `${SLURM_DIR}/${checkedName(name)}_%a.out`;

/** An array name becomes a file name: only what `planSlurmArrays` makes (labgate-<hex>-<hex>). */
function checkedName(name: string): string {
  if (!/^labgate-[0-9a-f]{8}-[0-9a-f]{10}$/.test(name))
    throw new Error(`not a labgate array name: ${JSON.stringify(name)}`);
  return name;
}
