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

/**
 * The sbatch options a pool's `extra_args` may add, by their full long name (docs/runners.md,
 * "SLURM"): what a job asks of the cluster (where, how much, on what), never where its files go,
 * which directory or environment it runs in, or what it runs. An allow-list, because sbatch also
 * takes short options (`-o`) and any unambiguous abbreviation (`--out` for `--output`).
 */
export const ALLOWED_SBATCH_OPTIONS = [
  "--partition",
  "--account",
  "--qos",
  "--constraint",
  "--cluster-constraint",
  "--reservation",
  "--exclusive",
  "--exclude",
  "--nodelist",
  "--nodes",
  "--ntasks",
  "--ntasks-per-node",
  "--cpus-per-task",
  "--cpus-per-gpu",
  "--mem",
  "--mem-per-cpu",
  "--mem-per-gpu",
  "--gres",
  "--gpus",
  "--gpus-per-node",
  "--gpus-per-task",
  "--tmp",
  "--licenses",
  "--hint",
  "--nice",
  "--requeue",
  "--no-requeue",
  "--mail-type",
] as const;

/**
 * The allowed options that take no value, or only an optional one (sbatch's `--exclusive[=...]`,
 * `--nice[=...]`): written bare, they take nothing from the next argument.
 */
const FLAG_OPTIONS: readonly string[] = ["--exclusive", "--requeue", "--no-requeue", "--nice"];

/** Options whose value sbatch reads as a file when it holds a `/` (a node list by file name). */
const NODE_LIST_OPTIONS: readonly string[] = ["--nodelist", "--exclude"];

/** sbatch's short options for allowed ones, so that a refusal can name the long form. */
const LONG_OF_SHORT: Readonly<Record<string, string>> = {
  "-p": "--partition",
  "-A": "--account",
  "-q": "--qos",
  "-C": "--constraint",
  "-x": "--exclude",
  "-w": "--nodelist",
  "-N": "--nodes",
  "-n": "--ntasks",
  "-c": "--cpus-per-task",
  "-G": "--gpus",
  "-L": "--licenses",
};

/** Why sbatch argument `arg` may not be in `extra_args`, or undefined when it may. */
export function extraArgProblem(arg: string): string | undefined {
  const name = arg.split("=")[0] as string;
  const shown = JSON.stringify(arg);
  if ((ALLOWED_SBATCH_OPTIONS as readonly string[]).includes(name))
    return allowedOptionProblem(arg, name, shown);
  const own = LABGATE_SBATCH_OPTIONS.find((o) => o === name);
  if (own !== undefined)
    return `${shown}: labgate sets ${LABGATE_SBATCH_OPTIONS.join(", ")} itself; remove it from extra_args (allowed there: ${ALLOWED_SBATCH_OPTIONS.join(", ")})`;
  const long = LONG_OF_SHORT[arg.slice(0, 2)];
  const fix = long
    ? `write it as ${long}=...`
    : name.startsWith("--")
      ? "spell the option in full, one of the allowed ones, or remove it from extra_args"
      : "remove it from extra_args";
  return `${shown} is not an sbatch option extra_args allows (${fix}); allowed, by full name, as --name=value (${FLAG_OPTIONS.join(", ")} also bare): ${ALLOWED_SBATCH_OPTIONS.join(", ")}; remove it from extra_args if none fits`;
}

/**
 * Why an allowed option is not written safely: one that takes a value must carry it as
 * `--name=value` (written bare, sbatch takes the next argument as its value, and the next one can
 * be the batch script's path), and a node list must not name a file (sbatch reads a value with
 * a `/` as a file of node names).
 */
function allowedOptionProblem(arg: string, name: string, shown: string): string | undefined {
  const eq = arg.indexOf("=");
  const value = eq === -1 ? undefined : arg.slice(eq + 1);
  if (FLAG_OPTIONS.includes(name)) return undefined;
  if (value === undefined || value === "")
    return `${shown}: ${name} takes a value; write it as one item ${name}=<value> (given bare, sbatch would take the next argument, such as the batch script, as its value)`;
  if (NODE_LIST_OPTIONS.includes(name) && value.includes("/"))
    return `${shown}: a ${name} value with "/" makes sbatch read node names from that file; list the nodes themselves, e.g. ${name}=node07,node08`;
  return undefined;
}

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
        .superRefine((a, ctx) => {
          if (!a.startsWith("-")) return;
          const problem = extraArgProblem(a);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .default([])
    .describe(
      "More sbatch options, one per item, by full name, e.g. [--constraint=a100, --exclude=node07]; only those that say what a job asks of the cluster are allowed (docs/runners.md).",
    ),
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
