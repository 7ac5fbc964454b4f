import { chmod, mkdir, rm, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { messageOf } from "../../core/failure/failure.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { isValidRunId } from "../../core/plan/run-id.js";
import { parseResultFile, type ResultFile } from "../../core/results/result-file-schema.js";
import {
  classifyOutcome,
  type FailureKind,
  type ResultCheck,
} from "../../core/runner/classify-outcome.js";
import { resumeArgsOf, withResumeArgs } from "../../core/runner/resume-argv.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { bootId, processStart } from "../../exec/process-tree.js";
import { runProcess } from "../../exec/run-process.js";
import { containedReader, MAX_RESULT_FILE_BYTES, RESULT_CAP_HINT } from "../contained-files.js";
import { captureMetrics, type MetricsCapture, metricsCaptureOf } from "./capture-metrics.js";

export const LOG_DIR = ".labgate/logs";

export interface ExecuteRunContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: string;
  clock: () => Date;
  /** expected_duration_hours x this = the time limit (config `timeout_factor`, default 2). */
  timeoutFactor: number;
  killGraceMs: number;
  maxLogBytes?: number;
  /** The result file cap (`resultFileCap(config)`); default: the default config's. */
  maxResultBytes?: number;
  /** Persists the entry (the sidecar) at each status change; called in order, awaited. */
  save(entry: StateEntry): Promise<void>;
}

export interface RunJob {
  entry: StateEntry;
  argv: readonly string[];
  retries: number;
  supportsResume: boolean;
  /** GPU index and label, or null on a CPU slot. */
  gpu: { index: number; label: string } | null;
  /** When the machine has GPUs: runs on CPU slots get an empty CUDA_VISIBLE_DEVICES. */
  hideGpus: boolean;
  signal: AbortSignal;
  onPid?: (pid: number | undefined) => void;
  /**
   * The planned run: its experiment's `metrics_from` (metrics captured from the output or a file
   * into the result file) and `script_flags.resume` (how a retry resumes, or that it cannot).
   */
  run?: PlannedRun;
  /**
   * The same, already filled in (`metricsCaptureOf(run)`, `resumeArgsOf(run, ...)`), for a caller
   * that carries no planned run (a SLURM task reads its runs from a manifest); they take
   * precedence over `run`.
   */
  capture?: MetricsCapture;
  resumeArgs?: readonly string[];
}

export interface FinishedRun {
  entry: StateEntry;
  metrics: Record<string, number> | null;
}

/**
 * Runs one run to a final status (docs/runners.md): argv without a shell, its own capped log under
 * `.labgate/logs/<run_id>.log` (retries append), a time limit after which it is `on_hold`,
 * retries with `--resume` after a failure, the result file checked against the contract, and the
 * sidecar saved at every status change.
 */
export async function executeRun(ctx: ExecuteRunContext, job: RunJob): Promise<FinishedRun> {
  const entry = job.entry;
  const resultPath = resolve(ctx.cwd, entry.result_file);
  const logFile = resolve(ctx.cwd, LOG_DIR, `${entry.id}.log`);
  const env: NodeJS.ProcessEnv = {
    ...ctx.env,
    LABGATE_RUN_ID: entry.id,
    LABGATE_EXP_ID: entry.exp_id,
  };
  if (job.gpu) env.CUDA_VISIBLE_DEVICES = String(job.gpu.index);
  else if (job.hideGpus) env.CUDA_VISIBLE_DEVICES = "";
  const noCheckpoint = await makeCheckpointDir(entry);
  if (noCheckpoint) {
    // Nothing was started: the run fails on its own, the others go on.
    Object.assign(entry, {
      status: "failed",
      host: ctx.host,
      finished: ctx.clock().toISOString(),
      reason: `could not start: ${noCheckpoint}`,
      failure_kind: "spawn-error" satisfies FailureKind,
    });
    await ctx.save({ ...entry });
    return { entry, metrics: null };
  }

  const capture = job.capture ?? (job.run ? metricsCaptureOf(job.run) : undefined);
  const resumeArgs =
    job.resumeArgs ??
    (job.run ? resumeArgsOf(job.run, job.supportsResume) : job.supportsResume ? ["--resume"] : []);
  for (let attempt = 0; ; attempt++) {
    const argv = attempt === 0 ? [...job.argv] : withResumeArgs(job.argv, resumeArgs);
    // where this attempt's output starts in the log (a retry appends)
    const logOffset =
      attempt === 0
        ? 0
        : await stat(logFile).then(
            (s) => s.size,
            () => 0,
          );
    // A result left by an earlier attempt must not pass for this one's.
    await rm(resultPath, { force: true });
    await mkdir(dirname(resultPath), { recursive: true });
    const started = ctx.clock();
    Object.assign(entry, {
      status: "running",
      host: ctx.host,
      gpu: job.gpu?.label ?? null,
      pid: null,
      started: started.toISOString(),
      finished: null,
      exit_code: null,
      retry_count: attempt,
    });
    delete entry.failure_kind;
    let saving: Promise<void> = Promise.resolve();
    const outcome = await runProcess({
      argv,
      cwd: ctx.cwd,
      env,
      logFile,
      appendLog: attempt > 0,
      logHeader:
        attempt > 0
          ? `\n[labgate: retry ${attempt}/${job.retries}: ${argv.join(" ")}]\n`
          : `[labgate: ${argv.join(" ")}]\n`,
      maxLogBytes: ctx.maxLogBytes,
      timeoutMs: entry.expected_duration_hours * 3_600_000 * ctx.timeoutFactor,
      killGraceMs: ctx.killGraceMs,
      signal: job.signal,
      detached: true,
      onSpawn: (pid) => {
        entry.pid = pid ?? null;
        job.onPid?.(pid);
        // where the process lives, so that a later `labgate run` can tell it lost its runner
        saving = (async () => {
          entry.boot_id = await bootId();
          entry.pid_start = pid === undefined ? null : await processStart(pid);
          await ctx.save({ ...entry });
        })();
      },
    });
    await saving;
    const captured =
      outcome.exitCode === 0 && capture && !outcome.timedOut && !outcome.cancelled
        ? await captureMetrics({
            cwd: ctx.cwd,
            capture,
            logFile,
            logOffset,
            logTail: outcome.logTail,
            logTruncated: outcome.logTruncated,
            checkpointDir: entry.checkpoint_dir,
            resultFile: entry.result_file,
            maxBytes: ctx.maxResultBytes ?? MAX_RESULT_FILE_BYTES,
          })
        : {};
    const result: { check: ResultCheck; value: ResultFile | null; refused?: true } =
      captured.problem !== undefined
        ? { check: { kind: "no-metrics", message: captured.problem }, value: null }
        : captured.invalid !== undefined
          ? { check: { kind: "invalid", message: captured.invalid }, value: null }
          : outcome.exitCode === 0
            ? await checkResult(ctx.cwd, entry.result_file, ctx.maxResultBytes)
            : { check: { kind: "missing" }, value: null };
    // A link (or a folder) at the result path is refused, and removed so that neither the results
    // commit nor the shard artifact carries it or what it points at (docs/security.md).
    if (result.refused) await rm(resultPath, { recursive: true, force: true });
    // Ctrl+C in a terminal reaches the run's process group too: a script that exits on its own
    // SIGINT before our stop lands was still cancelled, not failed.
    const verdict = classifyOutcome(
      { ...outcome, cancelled: outcome.cancelled || job.signal.aborted },
      result.check,
    );
    const finished = ctx.clock();
    Object.assign(entry, {
      exit_code: outcome.exitCode,
      duration_hours: outcome.durationMs / 3_600_000,
      reason:
        verdict.status === "cancelled" && typeof job.signal.reason === "string"
          ? job.signal.reason
          : verdict.reason,
    });
    // the kind is kept as a code beside the reason, so no reader parses the reason back
    if (verdict.kind !== null) entry.failure_kind = verdict.kind;
    if (outcome.logTruncated)
      entry.notes = `log cut at ${ctx.maxLogBytes ?? 10 * 1024 * 1024} bytes of ${outcome.logBytes}`;

    const retry =
      verdict.status === "failed" &&
      verdict.noRetry === undefined &&
      attempt < job.retries &&
      !job.signal.aborted;
    // A deterministic failure with retries left says why they were not used (issue #13).
    if (!retry && verdict.noRetry && attempt < job.retries)
      entry.reason = `${entry.reason} (not retried: ${verdict.noRetry})`;
    if (retry) {
      Object.assign(entry, {
        status: "queued",
        reason: `retry ${attempt + 1}/${job.retries} after: ${verdict.reason}`,
      });
      await ctx.save({ ...entry });
      continue;
    }
    Object.assign(entry, { status: verdict.status, finished: finished.toISOString() });
    const meta = result.value?.meta ?? {};
    if (typeof meta.wandb_run_id === "string") entry.wandb_run_id = meta.wandb_run_id;
    if (typeof meta.hf_artifact_url === "string") entry.hf_artifact_url = meta.hf_artifact_url;
    return { entry, metrics: verdict.status === "done" ? (result.value?.metrics ?? null) : null };
  }
}

/**
 * Reads and validates a result file (docs/definitions.md contract): `rel`, under `cwd`, read only when it is a
 * regular file inside the repository of at most `maxBytes` (the config's `max_result_file_mb`); a
 * symbolic link, a folder, a file over the cap or a path leading out of the repository is
 * `invalid` and `refused`.
 */
export async function checkResult(
  cwd: string,
  rel: string,
  maxBytes = MAX_RESULT_FILE_BYTES,
): Promise<{ check: ResultCheck; value: ResultFile | null; refused?: true }> {
  const read = await containedReader(cwd, maxBytes)(rel);
  if (!read.ok) {
    if (read.code === "missing") return { check: { kind: "missing" }, value: null };
    return {
      check: {
        kind: "invalid",
        message:
          read.code === "too-large"
            ? `${read.message}; ${RESULT_CAP_HINT}`
            : `${read.message}; write the result as a regular file at {result_file}`,
      },
      value: null,
      refused: true,
    };
  }
  const parsed = parseResultFile(read.text);
  if (!parsed.ok)
    return { check: { kind: "invalid", message: `${rel}: ${parsed.message}` }, value: null };
  return { check: { kind: "ok" }, value: parsed.value };
}

/**
 * Creates the run's `{checkpoint_dir}` (mode 0700: checkpoints are the group's work, not the
 * machine's) before its first attempt; retries and later resumes get the same folder, so a
 * `--resume` finds what the attempt before saved. The path is the plan's (`checkpointRoot` +
 * `ckpt_<run_id>`), never a sidecar's; it is checked to be that shape all the same, so nothing
 * else is ever created.
 */
async function makeCheckpointDir(entry: StateEntry): Promise<string | undefined> {
  const dir = entry.checkpoint_dir;
  if (!isValidRunId(entry.id) || !isAbsolute(dir) || basename(dir) !== `ckpt_${entry.id}`)
    return `checkpoint_dir ${JSON.stringify(dir)} is not <checkpoint_root>/ckpt_<run_id>; not created`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (err) {
    return `checkpoint_dir ${dir} could not be created (${(err as NodeJS.ErrnoException).code ?? messageOf(err)}); fix: make checkpoint_root in .github/labgate.yml a folder this user can write`;
  }
  return undefined;
}

export const logFileOf = (runId: string) => join(LOG_DIR, `${runId}.log`);
