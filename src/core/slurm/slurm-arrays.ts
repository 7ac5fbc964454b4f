import { createHash } from "node:crypto";
import type { SlurmPoolOptions } from "./slurm-pool-options.js";
import { slurmTimeLimitMinutes, slurmWarningSeconds } from "./slurm-time-limit.js";

/** One run as the SLURM executor groups it: its id, what it asks for, its pool's options. */
export interface SlurmRunRequest {
  run_id: string;
  vram_mb: number;
  expected_duration_hours: number;
  pool: string;
  options: SlurmPoolOptions;
}

/** What every task of one array asks SLURM for; runs with equal requests share an array. */
export interface SlurmRequest {
  partition?: string;
  account?: string;
  qos?: string;
  gres?: string;
  cpus_per_task: number;
  mem_mb?: number;
  time_minutes: number;
  extra_args: string[];
}

export interface SlurmArray {
  /** `labgate-<repo key>-<content key>`: how a later `labgate run` finds it in the queue. */
  name: string;
  pool: string;
  /** Run ids by array index (`SLURM_ARRAY_TASK_ID`). */
  run_ids: string[];
  request: SlurmRequest;
  max_concurrent: number;
}

export interface ArrayPlanInput {
  runs: readonly SlurmRunRequest[];
  timeoutFactor: number;
  killGraceSeconds: number;
  /** `slurmRepoKey(cwd)`: the job names of one checkout share it. */
  repoKey: string;
  /** Makes names of two submissions of the same runs differ (a resubmission after NODE_FAIL). */
  nonce: string;
}

/** A GPU per run with `vram_mb > 0` unless the pool says otherwise; nothing for a CPU run. */
export function gresOf(run: Pick<SlurmRunRequest, "vram_mb" | "options">): string | undefined {
  if (run.options.gres !== undefined) return run.options.gres;
  return run.vram_mb > 0 ? "gpu:1" : undefined;
}

export function requestOf(
  run: SlurmRunRequest,
  timeoutFactor: number,
  killGraceSeconds: number,
): SlurmRequest {
  const o = run.options;
  return {
    partition: o.partition,
    account: o.account,
    qos: o.qos,
    gres: gresOf(run),
    cpus_per_task: o.cpus_per_task,
    mem_mb: o.mem_mb,
    time_minutes: slurmTimeLimitMinutes({
      expectedHours: run.expected_duration_hours,
      timeoutFactor,
      killGraceSeconds,
      minMinutes: o.min_time_minutes,
    }),
    extra_args: [...o.extra_args],
  };
}

/**
 * The job arrays for these runs (docs/runners.md, "SLURM"): one per pool and identical request
 * (partition, account, qos, gres, cpus, memory, time limit, extra arguments), in the order of
 * their first run, each split at the pool's `max_array_size`. Runs keep their given order inside
 * an array, so the index of a run is its position.
 */
export function planSlurmArrays(input: ArrayPlanInput): SlurmArray[] {
  const groups = new Map<
    string,
    { pool: string; request: SlurmRequest; runs: SlurmRunRequest[] }
  >();
  for (const run of input.runs) {
    const request = requestOf(run, input.timeoutFactor, input.killGraceSeconds);
    const key = JSON.stringify([run.pool, request, run.options.max_concurrent]);
    const g = groups.get(key) ?? { pool: run.pool, request, runs: [] };
    g.runs.push(run);
    groups.set(key, g);
  }
  const arrays: SlurmArray[] = [];
  for (const g of groups.values()) {
    const size = g.runs[0]?.options.max_array_size ?? 1000;
    for (let i = 0; i < g.runs.length; i += size) {
      const ids = g.runs.slice(i, i + size).map((r) => r.run_id);
      const key = createHash("sha256")
        .update(JSON.stringify([input.nonce, g.request, ids]))
        .digest("hex")
        .slice(0, 10);
      arrays.push({
        name: `labgate-${input.repoKey}-${key}`,
        pool: g.pool,
        run_ids: ids,
        request: g.request,
        max_concurrent: g.runs[0]?.options.max_concurrent ?? 64,
      });
    }
  }
  return arrays;
}

/** The first 8 hex digits of sha256(<absolute checkout path>): names this checkout's arrays. */
export function slurmRepoKey(cwd: string): string {
  return createHash("sha256").update(cwd).digest("hex").slice(0, 8);
}

/** The job-name prefix of every array a checkout submits. */
export const arrayNamePrefix = (repoKey: string) => `labgate-${repoKey}-`;

/** SLURM's own limit on a job comment is generous; labgate keeps its comments under this. */
export const MAX_COMMENT_CHARS = 1000;

/** `labgate:<run id>,<run id>,...` cut to MAX_COMMENT_CHARS with `,...+N` (the manifest has all). */
export function arrayComment(runIds: readonly string[]): string {
  let out = "labgate:";
  for (let i = 0; i < runIds.length; i++) {
    const next = `${i > 0 ? "," : ""}${runIds[i]}`;
    const rest = `,...+${runIds.length - i}`;
    if (out.length + next.length + (i < runIds.length - 1 ? rest.length : 0) > MAX_COMMENT_CHARS) {
      return `${out}${rest}`;
    }
    out += next;
  }
  return out;
}

export interface SbatchPaths {
  /** Absolute checkout path: the task's working directory. */
  cwd: string;
  /** Absolute path of the batch script the array runs. */
  script: string;
  /** Absolute path pattern of the task's own SLURM output (`%a` is the index). */
  output: string;
}

/**
 * sbatch's argv (without `sbatch`) for one array. `--export` lists variable names only (never
 * values, never ALL): the task gets these from the submitting environment, which the caller has
 * already scrubbed of credentials (`untrustedEnv`), and SLURM's own SLURM_* variables.
 */
export function sbatchArgs(
  array: SlurmArray,
  paths: SbatchPaths,
  exportNames: readonly string[],
  killGraceSeconds: number,
): string[] {
  const r = array.request;
  const last = array.run_ids.length - 1;
  const args = [
    "--parsable",
    `--array=${last === 0 ? "0" : `0-${last}`}%${array.max_concurrent}`,
    `--job-name=${array.name}`,
    `--comment=${arrayComment(array.run_ids)}`,
    `--time=${r.time_minutes}`,
    `--signal=B:USR2@${slurmWarningSeconds(killGraceSeconds)}`,
    `--export=${exportList(exportNames)}`,
    `--chdir=${paths.cwd}`,
    `--output=${paths.output}`,
    "--ntasks=1",
    `--cpus-per-task=${r.cpus_per_task}`,
  ];
  if (r.partition) args.push(`--partition=${r.partition}`);
  if (r.account) args.push(`--account=${r.account}`);
  if (r.qos) args.push(`--qos=${r.qos}`);
  if (r.gres) args.push(`--gres=${r.gres}`);
  if (r.mem_mb !== undefined) args.push(`--mem=${r.mem_mb}M`);
  args.push(...r.extra_args, paths.script);
  return args;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The names for `--export`: plain variable names only (a name with a comma or '=' would change
 * what the list means), sorted; SLURM_* are SLURM's own and always passed. With nothing to list,
 * `NONE` (only SLURM_* variables).
 */
export function exportList(names: readonly string[]): string {
  const ok = [...new Set(names)]
    .filter((n) => PLAIN_NAME.test(n) && !n.startsWith("SLURM_"))
    .sort();
  return ok.length > 0 ? ok.join(",") : "NONE";
}

/** A shell-quoted line, for `labgate run --dry-run` to print. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
