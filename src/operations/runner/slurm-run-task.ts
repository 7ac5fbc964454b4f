import { hostname } from "node:os";
import { messageOf } from "../../core/failure/failure.js";
import { isValidRunId } from "../../core/plan/run-id.js";
import { SlurmTaskManifest } from "../../core/slurm/slurm-task-manifest.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { containedReader } from "../contained-files.js";
import { executeRun } from "./execute-run.js";
import { writeSidecar } from "./write-sidecar.js";

/** The largest manifest read: the runner's own reader of it allows as much (slurm-array-files.ts). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** The reason a run gets when SLURM's `--signal` warned that the job's time limit is near. */
export const SLURM_TIME_LIMIT_REASON =
  "timeout: the SLURM job's time limit is near (sbatch --signal); stopped, resume with --resume";

export type SlurmTaskResult =
  | { ok: true; entry: StateEntry }
  | {
      ok: false;
      code: "manifest-unreadable" | "manifest-invalid" | "no-such-task";
      message: string;
    };

export interface SlurmTaskDeps {
  /** The task's environment as SLURM gave it (`--export` list, SLURM_*, CUDA_VISIBLE_DEVICES). */
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  /** Aborted with SLURM_TIME_LIMIT_REASON when the time limit is near, with another reason on a cancel. */
  signal: AbortSignal;
}

/**
 * The per-run step of one SLURM array task (`labgate run-task`, run by the batch script the
 * runner submitted): the run at `index` of the manifest, through the local executor's
 * `executeRun` (argv without a shell, its log, its time limit, retries, the result check, a
 * sidecar at each status change), on the GPU SLURM gave the task (CUDA_VISIBLE_DEVICES as SLURM
 * set it). The entry records the node and `slurm:<cluster>:<array job>_<task>` as its job id.
 */
export async function runSlurmTask(
  deps: SlurmTaskDeps,
  input: { cwd: string; manifest: string; index: number },
): Promise<SlurmTaskResult> {
  // read as data a PR could have planted: no link followed, no folder leading out of the checkout
  const read = await containedReader(input.cwd, MAX_MANIFEST_BYTES)(input.manifest);
  if (!read.ok)
    return {
      ok: false,
      code: "manifest-unreadable",
      message:
        read.code === "missing"
          ? `${input.manifest}: ENOENT; the runner writes it before sbatch, on the filesystem the task shares with it`
          : read.message,
    };
  const text = read.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      code: "manifest-invalid",
      message: `${input.manifest}: not JSON (${messageOf(err)})`,
    };
  }
  const parsed = SlurmTaskManifest.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      code: "manifest-invalid",
      message: `${input.manifest}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    };
  const manifest = parsed.data;
  const run = manifest.runs[input.index];
  if (!run || !isValidRunId(run.entry.id))
    return {
      ok: false,
      code: "no-such-task",
      message: `${input.manifest}: no run at index ${input.index} (it has ${manifest.runs.length})`,
    };

  const env = deps.env;
  const cluster = env.SLURM_CLUSTER_NAME || "slurm";
  const arrayJob = env.SLURM_ARRAY_JOB_ID ?? env.SLURM_JOB_ID ?? "?";
  const task = env.SLURM_ARRAY_TASK_ID ?? String(input.index);
  const entry: StateEntry = {
    ...run.entry,
    job_id: `slurm:${cluster}:${arrayJob}_${task}`,
  };
  const host = env.SLURMD_NODENAME || hostname();
  const visible = env.CUDA_VISIBLE_DEVICES;
  // One GPU: recorded like the local executor's; several: passed through as SLURM set them.
  const gpu =
    visible !== undefined && /^\d+$/.test(visible)
      ? { index: Number(visible), label: `${visible} (slurm)` }
      : null;
  const save = (e: StateEntry) => writeSidecar(input.cwd, manifest.dispatch_dir, e);
  const fin = await executeRun(
    {
      cwd: input.cwd,
      env,
      host,
      clock: deps.clock,
      timeoutFactor: manifest.timeout_factor,
      killGraceMs: manifest.kill_grace_ms,
      maxResultBytes: manifest.max_result_bytes,
      save,
    },
    {
      entry,
      argv: run.argv,
      retries: run.retries,
      supportsResume: run.supports_resume,
      resumeArgs: run.resume_args,
      capture: run.capture,
      gpu,
      // No GPU allocated (SLURM set no CUDA_VISIBLE_DEVICES): hide the node's GPUs, as the local
      // executor does for a run on a CPU slot.
      hideGpus: visible === undefined,
      signal: deps.signal,
    },
  );
  const final = fin.entry;
  if (gpu === null && visible) final.gpu = `${visible} (slurm)`;
  if (final.status === "cancelled" && deps.signal.reason === SLURM_TIME_LIMIT_REASON)
    Object.assign(final, { status: "on_hold", reason: SLURM_TIME_LIMIT_REASON });
  await save({ ...final });
  return { ok: true, entry: final };
}
