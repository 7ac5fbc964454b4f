import { resolve } from "node:path";
import { sidecarPath } from "../../core/paths/layout.js";
import { earlyStopDecision } from "../../core/runner/early-stop.js";
import { arrayNamePrefix, planSlurmArrays, slurmRepoKey } from "../../core/slurm/slurm-arrays.js";
import { taskVerdict } from "../../core/slurm/slurm-job-state.js";
import type { SlurmPoolOptions } from "../../core/slurm/slurm-pool-options.js";
import type { SlurmTaskRecord } from "../../core/slurm/slurm-task-records.js";
import { parseSidecar } from "../../core/state/parse-dispatch-state.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { sacctTasks, sbatch, scancel, squeueTasks } from "../../exec/slurm/slurm-cli.js";
import { untrustedEnv } from "../../exec/untrusted-env.js";
import { containedReader, MAX_SIDECAR_BYTES } from "../contained-files.js";
import { checkResult, type FinishedRun } from "./execute-run.js";
import type { PreparedRun, SchedulerContext } from "./run-scheduler.js";
import { prepareArray, readManifest } from "./slurm-array-files.js";

/** The pool a run goes to, as the SLURM executor needs it. */
export interface SlurmPoolOf {
  name: string;
  options: SlurmPoolOptions;
}

export interface SlurmSchedulerOptions {
  dispatchDir: string;
  poolOf: ReadonlyMap<string, SlurmPoolOf>;
  /** argv that runs labgate's per-run step on a compute node (`labgateArgv()`); `--manifest` follows. */
  labgate: readonly string[];
  /** The first wait between two polls; they back off (x2) to the pools' poll_seconds. */
  minPollMs?: number;
}

interface Tracked {
  prepared: PreparedRun;
  arrayJobId: string;
  index: number;
  /** Set when labgate stopped it (early stop, Ctrl+C, /cancel): the reason its entry ends with. */
  stopReason?: string;
  started?: boolean;
}

/** The same contract as `runScheduled` (the local executor), for `runSteps`. */
export type Schedule = (
  ctx: SchedulerContext,
  runs: readonly PreparedRun[],
) => Promise<Map<string, FinishedRun>>;

/**
 * The SLURM executor's scheduler (docs/runners.md, "SLURM"): arrays of this checkout still in the
 * queue that hold these runs are waited on (a second `labgate run` after the first was killed
 * submits nothing twice); the other runs are submitted as one job array per identical request;
 * then squeue (and sacct, where accounting is on) is polled with backoff, each task's SLURM state
 * mapped to labgate's with its sidecar (`taskVerdict`). Early stop and the campaign's abort
 * (Ctrl+C, /cancel) `scancel` the tasks and arrays it waits on, and nothing else.
 */
export function slurmScheduler(opts: SlurmSchedulerOptions): Schedule {
  return async (ctx, runs) => {
    const results = new Map<string, FinishedRun>();
    if (runs.length === 0) return results;
    const cwd = resolve(ctx.cwd);
    const repoKey = slurmRepoKey(cwd);
    const env = untrustedEnv(ctx.env);
    const tracked = new Map<string, Tracked>();
    const infraTries = new Map<string, number>();
    const minPoll = opts.minPollMs ?? 1000;
    const maxPoll = Math.max(
      minPoll,
      Math.min(
        ...runs.map((p) => (opts.poolOf.get(p.run.run_id)?.options.poll_seconds ?? 30) * 1000),
      ),
    );
    const read = containedReader(cwd, MAX_SIDECAR_BYTES);
    let accounting: boolean | undefined;

    const sidecarOf = async (id: string): Promise<StateEntry | undefined> => {
      const rel = sidecarPath({ dispatch_dir: opts.dispatchDir }, id);
      const got = await read(rel);
      if (!got.ok) return undefined;
      const parsed = parseSidecar(rel, got.text);
      return parsed.ok && parsed.value.id === id ? (parsed.value as StateEntry) : undefined;
    };

    const finish = async (t: Tracked, entry: StateEntry) => {
      const id = t.prepared.run.run_id;
      tracked.delete(id);
      Object.assign(t.prepared.entry, entry);
      let metrics: Record<string, number> | null = null;
      if (entry.status === "done") {
        const r = await checkResult(cwd, entry.result_file, ctx.maxResultBytes);
        metrics = r.value?.metrics ?? null;
      }
      results.set(id, { entry: t.prepared.entry, metrics });
      ctx.emit({ type: "finish", entry: t.prepared.entry });
      if (entry.status === "done" && metrics) {
        const exp = t.prepared.run.exp_id;
        const list = ctx.doneMetrics.get(exp) ?? [];
        list.push(metrics);
        ctx.doneMetrics.set(exp, list);
        await earlyStop(exp);
      }
    };

    const settle = async (
      t: Tracked,
      status: "failed" | "cancelled" | "on_hold",
      reason: string,
      from?: StateEntry,
    ) => {
      const entry = {
        ...(from ?? t.prepared.entry),
        status,
        reason,
        finished: ctx.clock().toISOString(),
      } as StateEntry;
      await ctx.save({ ...entry });
      await finish(t, entry);
    };

    const earlyStop = async (expId: string) => {
      const first = runs.find((r) => r.run.exp_id === expId);
      const decision = earlyStopDecision(
        first?.run.experiment.early_stop,
        ctx.doneMetrics.get(expId) ?? [],
      );
      if (!decision.stop || !decision.reason) return;
      const victims = [...tracked.values()].filter(
        (t) => t.prepared.run.exp_id === expId && t.stopReason === undefined,
      );
      if (victims.length === 0) return;
      for (const t of victims) t.stopReason = decision.reason;
      const r = await scancel(
        victims.map((t) => `${t.arrayJobId}_${t.index}`),
        env,
      );
      if (!r.ok) ctx.emit({ type: "note", text: `early stop: ${r.message}` });
      ctx.emit({
        type: "note",
        text: `${expId}: ${decision.reason}; its remaining runs are cancelled (scancel)`,
      });
    };

    const submit = async (list: readonly PreparedRun[], nonce: string): Promise<void> => {
      const arrays = planSlurmArrays({
        runs: list.map((p) => {
          const pool = opts.poolOf.get(p.run.run_id) as SlurmPoolOf;
          return {
            run_id: p.run.run_id,
            vram_mb: p.run.vram_mb,
            expected_duration_hours: p.run.expected_duration_hours,
            pool: pool.name,
            options: pool.options,
          };
        }),
        timeoutFactor: ctx.timeoutFactor,
        killGraceSeconds: ctx.killGraceMs / 1000,
        repoKey,
        nonce,
      });
      const byId = new Map(list.map((p) => [p.run.run_id, p]));
      for (const array of arrays) {
        const members = array.run_ids.map((id) => byId.get(id) as PreparedRun);
        const prepared = await prepareArray(cwd, array, members, {
          dispatchDir: opts.dispatchDir,
          ctx,
          labgate: opts.labgate,
          exportNames: Object.keys(env),
        });
        if (!prepared.ok) {
          for (const p of members)
            await settle(
              { prepared: p, arrayJobId: "", index: -1 },
              "failed",
              `could not write the SLURM array's files: ${prepared.message}`,
            );
          continue;
        }
        for (let i = 0; i < members.length; i += 64)
          await Promise.all(members.slice(i, i + 64).map((p) => ctx.save({ ...p.entry })));
        const got = await sbatch(prepared.argv, env);
        if (!got.ok) {
          for (const p of members) {
            const t: Tracked = { prepared: p, arrayJobId: "", index: -1 };
            await settle(t, "failed", `could not submit to SLURM: ${got.message}`);
          }
          continue;
        }
        members.forEach((p, index) => {
          tracked.set(p.run.run_id, { prepared: p, arrayJobId: got.jobId, index });
        });
        ctx.emit({
          type: "note",
          text: `submitted job array ${got.jobId} (${array.name}): ${members.length} run(s), --time=${array.request.time_minutes}`,
        });
      }
    };

    // 1. Arrays a killed `labgate run` of this checkout left in the queue: wait on their runs.
    const first = await squeueTasks(env);
    if (!first.ok) {
      for (const p of runs)
        await settle(
          { prepared: p, arrayJobId: "", index: -1 },
          "failed",
          `could not query SLURM: ${first.message}`,
        );
      return results;
    }
    const wanted = new Map(runs.map((p) => [p.run.run_id, p]));
    const prefix = arrayNamePrefix(repoKey);
    const seen = new Map<string, string>();
    for (const t of first.tasks) if (t.name.startsWith(prefix)) seen.set(t.arrayJobId, t.name);
    for (const [arrayJobId, name] of seen) {
      const manifest = await readManifest(cwd, name);
      if (!manifest) continue;
      let adopted = 0;
      manifest.runs.forEach((r, index) => {
        const p = wanted.get(r.entry.id);
        const live = first.tasks.some(
          (t) =>
            t.arrayJobId === arrayJobId &&
            t.index === index &&
            taskVerdict(t.state, undefined).kind !== "final",
        );
        if (p && live && !tracked.has(r.entry.id)) {
          tracked.set(r.entry.id, { prepared: p, arrayJobId, index });
          adopted++;
        }
      });
      if (adopted > 0)
        ctx.emit({
          type: "note",
          text: `job array ${arrayJobId} (${name}), submitted by an earlier labgate run, still holds ${adopted} of these runs: waiting on it, not submitting them again`,
        });
    }
    // 2. The others: one array per identical request.
    const fresh = runs.filter((p) => !tracked.has(p.run.run_id) && !results.has(p.run.run_id));
    if (!ctx.signal.aborted) await submit(fresh, ctx.clock().toISOString());
    else
      for (const p of fresh)
        await settle(
          { prepared: p, arrayJobId: "", index: -1 },
          "cancelled",
          abortReason(ctx.signal),
        );

    // 3. Poll until every task has a final status.
    let delay = minPoll;
    let cancelledAll = false;
    let failures = 0;
    while (tracked.size > 0) {
      if (ctx.signal.aborted && !cancelledAll) {
        cancelledAll = true;
        const reason = abortReason(ctx.signal);
        for (const t of tracked.values()) t.stopReason ??= reason;
        const ids = [...new Set([...tracked.values()].map((t) => t.arrayJobId))];
        const r = await scancel(ids, env);
        ctx.emit({
          type: "note",
          text: r.ok ? `scancel ${ids.join(" ")}: the arrays this run waits on` : r.message,
        });
      }
      const q = await squeueTasks(env);
      if (!q.ok) {
        failures++;
        if (failures >= 10) {
          for (const t of [...tracked.values()])
            await settle(
              t,
              ctx.signal.aborted ? "cancelled" : "failed",
              `lost track of SLURM: ${q.message}`,
            );
          break;
        }
      } else {
        failures = 0;
        let records = q.tasks;
        const missing = [...tracked.values()].filter((t) => !findTask(records, t));
        if (missing.length > 0 && accounting !== false) {
          const s = await sacctTasks([...new Set(missing.map((t) => t.arrayJobId))], env);
          if (s.ok === "disabled") accounting = false;
          else if (s.ok) {
            accounting = true;
            records = [...records, ...s.tasks];
          }
        }
        let changed = false;
        for (const t of [...tracked.values()]) {
          const rec = findTask(records, t);
          // A pending task cancelled on its own leaves no record while its array stays listed.
          const state =
            rec?.state ?? (records.some((r) => r.arrayJobId === t.arrayJobId) ? "CANCELLED" : null);
          const sidecar = await sidecarOf(t.prepared.run.run_id);
          const v = taskVerdict(state, sidecar);
          if (v.kind === "waiting") continue;
          if (v.kind === "running") {
            if (!t.started && sidecar?.status === "running") {
              t.started = true;
              changed = true;
              ctx.emit({ type: "start", entry: sidecar });
            }
            continue;
          }
          changed = true;
          const withNode = (e: StateEntry | undefined) =>
            e && rec?.node && !e.host ? { ...e, host: rec.node } : e;
          if (v.kind === "sidecar") {
            const e = withNode(sidecar) as StateEntry;
            if (t.stopReason && e.status === "cancelled")
              await settle(t, "cancelled", t.stopReason, e);
            else await finish(t, e);
          } else if (v.kind === "final") {
            const reason = v.status === "cancelled" && t.stopReason ? t.stopReason : v.reason;
            await settle(t, v.status, reason, withNode(sidecar));
          } else {
            const tries = infraTries.get(t.prepared.run.run_id) ?? 0;
            if (t.stopReason) await settle(t, "cancelled", t.stopReason, sidecar);
            else if (tries < Math.max(1, t.prepared.run.retries)) {
              infraTries.set(t.prepared.run.run_id, tries + 1);
              tracked.delete(t.prepared.run.run_id);
              ctx.emit({
                type: "note",
                text: `${t.prepared.run.run_id}: ${v.reason}; submitting it again`,
              });
              await ctx.save({
                ...t.prepared.entry,
                status: "queued",
                reason: `retry after ${v.reason}`,
              });
              await submit([t.prepared], `${ctx.clock().toISOString()}#${tries + 1}`);
            } else await settle(t, "failed", `${v.reason} (submitted ${tries + 1} times)`, sidecar);
          }
        }
        delay = changed ? minPoll : Math.min(delay * 2, maxPoll);
      }
      if (tracked.size === 0) break;
      await sleep(ctx.signal.aborted ? minPoll : delay, cancelledAll ? undefined : ctx.signal);
    }
    return results;
  };
}

function findTask(records: readonly SlurmTaskRecord[], t: Tracked): SlurmTaskRecord | undefined {
  // squeue lists before sacct: the live state wins.
  return records.find((r) => r.arrayJobId === t.arrayJobId && r.index === t.index);
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "cancelled";
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((r) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      r();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
