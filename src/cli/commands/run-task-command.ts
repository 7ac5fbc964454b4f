import { runSlurmTask, SLURM_TIME_LIMIT_REASON } from "../../operations/runner/slurm-run-task.js";
import { type CliContext, EXIT_FAILED, EXIT_OK, UsageError } from "../cli-context.js";

export const runTaskHelp = `labgate run-task --manifest <.labgate/slurm/NAME.json> [--index N]

The per-run step of one SLURM array task; the batch script \`labgate run\` submits on a runner pool
with executor: slurm calls it (docs/runners.md). It runs the run at index N of the manifest (default:
SLURM_ARRAY_TASK_ID) as the local executor does: its log under .labgate/logs/, its time limit,
retries with --resume, the result check, and its sidecar in dispatch/ at each status change.
SIGUSR2 (sbatch --signal, the time limit is near) stops the run and records it on_hold; SIGTERM
(scancel) stops it and records it cancelled. Exits 0 when the run is done, 1 otherwise.`;

export interface RunTaskArgs {
  manifest?: string;
  index?: number;
}

export async function runTaskCommand(ctx: CliContext, args: RunTaskArgs): Promise<number> {
  if (!args.manifest) throw new UsageError("--manifest is required");
  const fromEnv = ctx.env.SLURM_ARRAY_TASK_ID;
  const index = args.index ?? (fromEnv !== undefined ? Number(fromEnv) : Number.NaN);
  if (!Number.isInteger(index) || index < 0)
    throw new UsageError("--index N is required outside a SLURM array task (SLURM_ARRAY_TASK_ID)");
  const controller = new AbortController();
  const onWarning = () => controller.abort(SLURM_TIME_LIMIT_REASON);
  const onCancel = (sig: NodeJS.Signals) =>
    controller.abort(`cancelled: the SLURM job got ${sig} (scancel, preemption or its time limit)`);
  process.on("SIGUSR2", onWarning);
  process.on("SIGTERM", onCancel);
  process.on("SIGINT", onCancel);
  try {
    const result = await runSlurmTask(
      { env: ctx.env, clock: () => new Date(), signal: controller.signal },
      { cwd: ctx.cwd, manifest: args.manifest, index },
    );
    if (!result.ok) {
      ctx.stderr.write(`labgate run-task: ${result.message}\n`);
      return EXIT_FAILED;
    }
    const e = result.entry;
    ctx.stdout.write(`${e.id}: ${e.status}${e.reason ? ` (${e.reason})` : ""}\n`);
    return e.status === "done" ? EXIT_OK : EXIT_FAILED;
  } finally {
    process.off("SIGUSR2", onWarning);
    process.off("SIGTERM", onCancel);
    process.off("SIGINT", onCancel);
  }
}

/**
 * `run-task --manifest <file> [--index N]` from a process's argv: what the action bundle's entry
 * calls when a SLURM task runs it (the batch script runs `node <action>/dist/index.js run-task`).
 */
export async function runTaskFromArgv(argv: readonly string[], ctx: CliContext): Promise<number> {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const index = value("--index");
  try {
    return await runTaskCommand(ctx, {
      manifest: value("--manifest"),
      index: index === undefined ? undefined : Number(index),
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    ctx.stderr.write(`labgate run-task: ${err.message}\n`);
    return 2;
  }
}
