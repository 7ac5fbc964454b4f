import { execFile } from "node:child_process";
import {
  parseSacct,
  parseSqueue,
  SACCT_FIELDS,
  type SlurmTaskRecord,
  SQUEUE_FORMAT,
} from "../../core/slurm/slurm-task-records.js";
import { untrustedEnv } from "../untrusted-env.js";

export type SlurmCallError = {
  ok: false;
  code: "not-installed" | "failed";
  message: string;
};

/** One SLURM client call: argv without a shell, with the scrubbed environment, bounded in time. */
export function slurmCall(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<{ ok: true; stdout: string } | SlurmCallError> {
  return new Promise((resolve) => {
    execFile(
      bin,
      [...args],
      { env: untrustedEnv(env), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === "ENOENT")
          return resolve({
            ok: false,
            code: "not-installed",
            message: `${bin} is not on PATH: run labgate on a SLURM login node (a runner pool with executor: slurm), or set executor: local`,
          });
        resolve({
          ok: false,
          code: "failed",
          message: `${bin} ${args.slice(0, 3).join(" ")}${args.length > 3 ? " ..." : ""}: ${(stderr || e.message).trim().split("\n").slice(-3).join(" / ")}`,
        });
      },
    );
  });
}

/** `sbatch --parsable ...`: the array's job id ("123", or "123;cluster" on a federation). */
export async function sbatch(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; jobId: string } | SlurmCallError> {
  const r = await slurmCall("sbatch", args, env);
  if (!r.ok) return r;
  const id = r.stdout.trim().split(";")[0] ?? "";
  if (!/^\d+$/.test(id))
    return { ok: false, code: "failed", message: `sbatch printed no job id: ${r.stdout.trim()}` };
  return { ok: true, jobId: id };
}

/** This user's array tasks slurmctld holds, pending ones one by one, finished ones too. */
export async function squeueTasks(
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; tasks: SlurmTaskRecord[] } | SlurmCallError> {
  const r = await slurmCall(
    "squeue",
    ["--me", "--noheader", "--array", "--states=all", `--format=${SQUEUE_FORMAT}`],
    env,
  );
  return r.ok ? { ok: true, tasks: parseSqueue(r.stdout) } : r;
}

/**
 * The tasks of these arrays from the accounting database; `disabled` where the cluster keeps
 * none (accounting_storage/none), so squeue is all there is.
 */
export async function sacctTasks(
  arrayJobIds: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; tasks: SlurmTaskRecord[] } | { ok: "disabled" } | SlurmCallError> {
  const r = await slurmCall(
    "sacct",
    [
      "--noheader",
      "--parsable2",
      "--allocations",
      `--jobs=${arrayJobIds.join(",")}`,
      `--format=${SACCT_FIELDS}`,
    ],
    env,
  );
  if (!r.ok) return /accounting storage is disabled/i.test(r.message) ? { ok: "disabled" } : r;
  return { ok: true, tasks: parseSacct(r.stdout) };
}

/** `scancel <id>...`: whole arrays (`123`) or tasks (`123_4`). */
export async function scancel(
  ids: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true } | SlurmCallError> {
  if (ids.length === 0) return { ok: true };
  const r = await slurmCall("scancel", ids, env);
  return r.ok ? { ok: true } : r;
}
