import { z } from "zod";

/**
 * The sbatch options labgate sets itself, one way for every run: a pool's `extra_args` may not
 * set them (they would break how tasks find their runs, their environment or their time limit).
 */
export const LABGATE_SBATCH_OPTIONS = [
  "--array",
  "--chdir",
  "--comment",
  "--export",
  "--job-name",
  "--output",
  "--error",
  "--parsable",
  "--signal",
  "--time",
  "--wrap",
] as const;

const ownOption = (arg: string) =>
  LABGATE_SBATCH_OPTIONS.find((o) => arg === o || arg.startsWith(`${o}=`));

/**
 * `slurm:` of a runner pool with `executor: slurm` in `.github/labgate.yml` (docs/runners.md):
 * what each run of the pool asks SLURM for, and how many array tasks labgate keeps in the queue.
 */
export const SlurmPoolOptions = z.strictObject({
  partition: z.string().min(1).optional().describe("sbatch --partition"),
  account: z.string().min(1).optional().describe("sbatch --account"),
  qos: z.string().min(1).optional().describe("sbatch --qos"),
  gres: z
    .string()
    .min(1)
    .optional()
    .describe(
      "sbatch --gres per run, e.g. gpu:a100:1; default: gpu:1 for a run with vram_mb > 0, none for a CPU run.",
    ),
  cpus_per_task: z.int().min(1).default(1).describe("sbatch --cpus-per-task per run."),
  mem_mb: z.int().min(1).optional().describe("sbatch --mem per run, MB; default: the partition's."),
  extra_args: z
    .array(
      z
        .string()
        .min(1)
        .refine((a) => a.startsWith("-"), {
          message: "each extra sbatch argument is one option, e.g. --constraint=a100",
        })
        .refine((a) => ownOption(a) === undefined, {
          message: `labgate sets ${LABGATE_SBATCH_OPTIONS.join(", ")} itself; remove it from extra_args`,
        }),
    )
    .default([])
    .describe("More sbatch options, one per item, e.g. [--constraint=a100, --exclude=node07]."),
  max_concurrent: z
    .int()
    .min(1)
    .default(64)
    .describe("Array tasks of one array that run at once (sbatch --array=...%N)."),
  max_array_size: z
    .int()
    .min(1)
    .default(1000)
    .describe(
      "Most tasks in one job array; a larger group is split (SLURM's default MaxArraySize is 1001).",
    ),
  min_time_minutes: z
    .int()
    .min(1)
    .default(10)
    .describe("The shortest --time labgate asks for, in minutes."),
  poll_seconds: z
    .number()
    .positive()
    .default(30)
    .describe("The longest wait between two squeue/sacct polls (polls back off up to it)."),
});
export type SlurmPoolOptions = z.infer<typeof SlurmPoolOptions>;

/** Which executor runs a pool's shards: `local` (processes here, the default) or `slurm`. */
export const Executor = z
  .enum(["local", "slurm"])
  .optional()
  .describe("local: runs are processes on the runner (default); slurm: submitted with sbatch.");
