import { existsSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import { resolve } from "node:path";
import { CONFIG_PATH } from "../core/config/config-schema.js";
import { substituteArgv } from "../core/definitions/command-placeholders.js";
import { splitCommand } from "../core/definitions/split-command.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { type Failure, fail, messageOf } from "../core/failure/failure.js";
import { commandValues, dataPathsOf } from "../core/runner/command-values.js";
import { newStateEntry } from "../core/runner/new-state-entry.js";
import { emptyStatusCounts, type RunStatus, type StateEntry } from "../core/state/state-entry.js";
import { queryGpus } from "../exec/nvidia-smi.js";
import type { GitRepo } from "../git/git-repo.js";
import type { AggregateInput } from "./aggregate-results.js";
import { resultFileCap } from "./contained-files.js";
import { diskWorkspace } from "./disk-workspace.js";
import { DispatchStateError, readDispatchState } from "./dispatch-state-store.js";
import { type GivenConfig, loadCampaign } from "./load-campaign.js";
import {
  checkSourceState,
  commandFiles,
  SourceRefusal,
  type SourceState,
  supportsResume,
} from "./runner/check-source.js";
import { doneRuns } from "./runner/done-runs.js";
import { type DryRunPlan, dryRunPlan } from "./runner/dry-run-plan.js";
import { GpuMonitor } from "./runner/gpu-monitor.js";
import { machineProvenance } from "./runner/machine-provenance.js";
import {
  RUNNER_LOST,
  reconcileSidecars,
  stillRunningMessage,
} from "./runner/reconcile-sidecars.js";
import { acquireRunLock, RUN_LOCK, RunLockError } from "./runner/run-lock.js";
import type { PreparedRun } from "./runner/run-scheduler.js";
import { runSteps } from "./runner/run-steps.js";
import type { RunnerEvent } from "./runner/runner-events.js";
import { selectRuns } from "./runner/select-runs.js";
import { chooseExecutor, labgateArgv, slurmDryRunLines } from "./runner/slurm-executor.js";
import { slurmScheduler } from "./runner/slurm-scheduler.js";
import { writeSidecar } from "./runner/write-sidecar.js";

export interface RunLog {
  info(s: string): void;
  warn(s: string): void;
}

/** The results engineer's `aggregateResults` (src/operations/aggregate-results.ts), injected. */
export type AggregateFn = (
  deps: { git: GitRepo; log: RunLog; clock: () => Date },
  input: AggregateInput,
) => Promise<{ commitSha?: string; files: string[] }>;

export interface RunCampaignInput {
  cwd: string;
  configPath?: string;
  phase?: "pilot" | "full";
  stage?: number;
  /** CPU slots (default: the core count); on a GPU machine, a cap on concurrent runs. */
  parallel?: number;
  /** Run-id globs, comma separated. */
  only?: string;
  dryRun?: boolean;
  /** Refuse unless HEAD is this commit. */
  sha?: string;
  /** Only the runs `planDispatch` puts on this shard (the Action's matrix job). */
  shard?: number;
  /** The Action's matrix job: exactly these runs of `shard`, as the plan job handed them over. */
  runIds?: ReadonlySet<string>;
  /** The Action's matrix job: the default branch's config the plan job handed over, not the checkout's. */
  config?: GivenConfig;
  /** Workflow run URL, or `local:<host>` by default. */
  runUrl?: string;
  /** The Actions job that runs this shard, recorded in each entry's `job_id`. */
  jobId?: string;
  /** Run again the runs already `done` too (after a fix to the code, say). */
  force?: boolean;
  /** Make the results commit (default true). */
  commit?: boolean;
  /** Make it even when no run has a result row (`--commit-empty`). */
  commitEmpty?: boolean;
  /** Run despite uncommitted changes to the files the commands use; rows say `dirty: true`. */
  allowDirty?: boolean;
  killGraceMs?: number;
  gpuPollMs?: number;
}

export interface RunCampaignDeps {
  git: GitRepo;
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  log: RunLog;
  /** Aborting stops the campaign (Ctrl+C): running runs are stopped and marked cancelled. */
  signal: AbortSignal;
  emit: (e: RunnerEvent) => void;
  aggregate?: AggregateFn;
}

/** Why `labgate run` started nothing: a code to branch on, a message for the researcher. */
export type RunRefusalCode =
  | "no-runs-match"
  | "mixed-executors"
  | "source-not-committed"
  | "run-locked"
  | "runs-still-running"
  | "dispatch-state-unreadable";

export type RunRefusal = { kind: "refused" } & Failure<RunRefusalCode>;

function refused(code: RunRefusalCode, message: string, cause?: unknown): RunRefusal {
  return { kind: "refused", ...fail(code, message, cause) };
}

export type RunCampaignResult =
  | { kind: "invalid"; diagnostics: Diagnostic[] }
  | RunRefusal
  | { kind: "dry-run"; plan: DryRunPlan }
  | {
      kind: "ran";
      entries: StateEntry[];
      counts: Record<RunStatus, number>;
      skipped: number;
      /** The pilot stage that did not pass, if one did not. */
      gateFailed: string | null;
      interrupted: boolean;
      commitSha?: string;
      aggregated: boolean;
      aggregateError?: string;
    };

/**
 * `labgate run` (issue 3): pilots stage by stage, then the full phase, on this machine; then the
 * results are aggregated and committed. Refuses when the checkout does not match what results
 * would claim, or when another run holds the repo.
 */
export async function runCampaign(
  deps: RunCampaignDeps,
  input: RunCampaignInput,
): Promise<RunCampaignResult> {
  const { cwd } = input;
  const configPath = input.configPath ?? CONFIG_PATH;
  const campaign = await loadCampaign(
    diskWorkspace(cwd),
    input.config ? { config: input.config } : { configPath },
  );
  const loaded = campaign.loaded;
  if (!loaded) return { kind: "invalid", diagnostics: campaign.diagnostics };
  for (const d of campaign.diagnostics) if (d.severity !== "error") deps.log.warn(d.message);
  const { config } = campaign;

  const selection = selectRuns(loaded, config, input, cwd);
  if ("diagnostics" in selection) return { kind: "invalid", diagnostics: selection.diagnostics };
  const runs = selection.runs;
  if (runs.length === 0)
    return refused(
      "no-runs-match",
      `no runs match${input.phase ? ` --phase ${input.phase}` : ""}${input.stage ? ` --stage ${input.stage}` : ""}${input.only ? ` --only ${input.only}` : ""}${input.shard !== undefined ? ` --shard ${input.shard}` : ""}; \`labgate plan\` lists the runs and their ids`,
    );
  // A runner pool with executor: slurm submits its runs with sbatch (docs/runners.md).
  const executor = chooseExecutor(runs, config, deps.env);
  if (executor.kind === "refused") return refused("mixed-executors", executor.message);
  const gpuList = await queryGpus(deps.env);
  const cpuSlots = input.parallel ?? availableParallelism();

  if (input.dryRun) {
    const state = await readDispatchState({ cwd, config, git: deps.git }).catch(() => undefined);
    const done = await doneRuns(
      cwd,
      state?.entries,
      runs.map((r) => r.run_id),
    );
    if (executor.kind === "slurm")
      for (const line of slurmDryRunLines({
        ...executor,
        cwd,
        runs: runs.filter((r) => !done.has(r.run_id)),
        config,
        env: deps.env,
        nonce: deps.clock().toISOString(),
      }))
        deps.log.info(line);
    return { kind: "dry-run", plan: dryRunPlan(runs, new Set(done.keys()), gpuList, cpuSlots) };
  }

  const files = commandFiles(cwd, runs);
  const sourceFiles = [
    loaded.file,
    ...(existsSync(resolve(cwd, configPath)) ? [configPath] : []),
    ...new Set([...files.values()].flat()),
  ];
  let source: SourceState;
  try {
    source = await checkSourceState(deps.git, {
      cwd,
      sha: input.sha,
      files: sourceFiles,
      allowDirty: input.allowDirty,
    });
  } catch (err) {
    if (err instanceof SourceRefusal) return refused("source-not-committed", err.message, err);
    throw err;
  }
  const head = source.head;
  if (source.dirty.length > 0)
    deps.log.warn(
      `--allow-dirty: running with uncommitted changes to ${source.dirty.join(", ")}; every result is recorded as dirty (diff sha256 ${source.diffSha256})`,
    );
  let release: () => Promise<void>;
  try {
    const lock = await acquireRunLock(cwd, deps.clock());
    release = lock.release;
    if (lock.tookOver) deps.log.warn(`took over ${RUN_LOCK}, left by ${lock.tookOver}`);
  } catch (err) {
    if (err instanceof RunLockError) return refused("run-locked", err.message, err);
    throw err;
  }
  const gpus = gpuList
    ? new GpuMonitor(gpuList, deps.env, input.gpuPollMs ?? 1000, () => deps.clock().getTime())
    : null;
  try {
    // With the lock held, a sidecar still `running` was left by a labgate that was killed.
    // On SLURM, a running sidecar's task runs on a node: the SLURM scheduler asks squeue instead.
    const reconciled =
      executor.kind === "slurm"
        ? { alive: [], lost: [] }
        : await reconcileSidecars({
            cwd,
            dispatchDir: config.dispatch_dir,
            now: deps.clock(),
            warn: (s) => deps.log.warn(s),
          });
    if (reconciled.alive.length > 0)
      return refused("runs-still-running", stillRunningMessage(reconciled.alive));
    for (const id of reconciled.lost)
      deps.log.warn(
        `${id}: its sidecar said running, but the labgate running it was killed; marked failed (${RUNNER_LOST})`,
      );
    let state: Awaited<ReturnType<typeof readDispatchState>>;
    try {
      state = await readDispatchState({ cwd, config, git: deps.git, log: deps.log });
    } catch (err) {
      if (err instanceof DispatchStateError)
        return refused("dispatch-state-unreadable", err.message, err);
      throw err;
    }
    const done = await doneRuns(cwd, state.entries, state.entries.keys(), resultFileCap(config));
    if (input.force) for (const r of runs) done.delete(r.run_id);
    const runUrl = input.runUrl ?? `local:${hostname()}`;
    const resumeCache = new Map<string, boolean>();
    const machine = await machineProvenance(cwd, deps.env, runs);
    const prepared: PreparedRun[] = [];
    for (const run of runs) {
      if (done.has(run.run_id)) continue;
      const split = splitCommand(run.experiment.command);
      if (!split.ok) continue; // validation already rejected it
      const entry = newStateEntry(run, {
        command: run.experiment.command,
        shard: selection.shardOf.get(run.run_id) ?? null,
        git_commit: head,
        run_url: runUrl,
        job_id: input.jobId ?? null,
      });
      entry.status = "queued";
      const argv = substituteArgv(split.argv, commandValues(run));
      // what produced the number besides the commit (docs/results.md, provenance)
      const dataPaths = dataPathsOf(argv, resolve(cwd), run.checkpoint_dir);
      Object.assign(entry, {
        ...(source.dirty.length > 0 ? { dirty: true, diff_sha256: source.diffSha256 } : {}),
        machine: machine.get(run.exp_id),
        ...(dataPaths.length > 0 ? { data_paths: dataPaths } : {}),
      });
      prepared.push({
        run,
        entry,
        argv,
        supportsResume: await supportsResume(cwd, files.get(run.exp_id) ?? [], resumeCache),
      });
    }
    const save = (e: StateEntry) => writeSidecar(cwd, config.dispatch_dir, e);
    // On SLURM, a task of an array still queued from an earlier run may be writing its sidecar:
    // the SLURM scheduler marks queued only the runs it submits.
    for (let i = 0; executor.kind !== "slurm" && i < prepared.length; i += 64)
      await Promise.all(prepared.slice(i, i + 64).map((p) => save({ ...p.entry })));
    const skipped = runs.length - prepared.length;
    deps.emit({
      type: "begin",
      total: runs.length,
      skipped,
      mode: gpus ? "gpu" : "cpu",
      slots: cpuSlots,
      gpus: (gpuList ?? []).map((g) => `${g.index}:${g.name}`),
    });

    const outcome = await runSteps(
      {
        cwd,
        env: deps.env,
        host: hostname(),
        clock: deps.clock,
        timeoutFactor: config.timeout_factor,
        maxResultBytes: resultFileCap(config),
        killGraceMs: input.killGraceMs ?? config.kill_grace_seconds * 1000,
        save,
        gpus,
        cpuSlots,
        cap: gpus && input.parallel !== undefined ? input.parallel : undefined,
        pollMs: input.gpuPollMs ?? 1000,
        signal: deps.signal,
        emit: deps.emit,
        doneMetrics: new Map(),
      },
      { loaded, runs, prepared, done },
      executor.kind === "slurm"
        ? slurmScheduler({
            dispatchDir: config.dispatch_dir,
            poolOf: executor.poolOf,
            labgate: labgateArgv(),
          })
        : undefined,
    );

    const entries = runs.map(
      (r) => outcome.entries.get(r.run_id) ?? (state.entries.get(r.run_id) as StateEntry),
    );
    const counts = countStatuses(entries);
    const interrupted = deps.signal.aborted;
    let commitSha: string | undefined;
    let aggregateError: string | undefined;
    if (deps.aggregate) {
      try {
        const agg = await deps.aggregate(
          { git: deps.git, log: deps.log, clock: deps.clock },
          {
            cwd,
            config,
            loaded,
            runUrl,
            commit: (input.commit ?? true) && !interrupted,
            commitEmpty: input.commitEmpty,
            // A run of full-phase runs archives the pilots; otherwise the phase is the state's
            // (full once it holds full runs), as `labgate aggregate` decides it: a pilot run
            // after the full phase must not commit tables without the full phase.
            ...(runs.some((r) => r.phase === "full") ? { phase: "full" as const } : {}),
          },
        );
        commitSha = agg.commitSha;
      } catch (err) {
        aggregateError = messageOf(err);
      }
    }
    return {
      kind: "ran",
      entries,
      counts,
      skipped,
      gateFailed: outcome.gateFailed,
      interrupted,
      commitSha,
      aggregated: deps.aggregate !== undefined && aggregateError === undefined,
      aggregateError,
    };
  } finally {
    gpus?.stop();
    await release();
  }
}

function countStatuses(entries: readonly StateEntry[]): Record<RunStatus, number> {
  const counts = emptyStatusCounts();
  for (const e of entries) if (e) counts[e.status]++;
  return counts;
}
