import { messageOf } from "../../core/failure/failure.js";
import { VRAM_HEADROOM } from "../../core/plan/match-pool.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { earlyStopDecision } from "../../core/runner/early-stop.js";
import { pickStarts } from "../../core/runner/pick-starts.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { type ExecuteRunContext, executeRun, type FinishedRun } from "./execute-run.js";
import type { GpuMonitor } from "./gpu-monitor.js";
import type { RunnerEvent } from "./runner-events.js";

/** A run ready to go: its plan, its entry (already `queued`), its argv. */
export interface PreparedRun {
  run: PlannedRun;
  entry: StateEntry;
  argv: string[];
  supportsResume: boolean;
}

export interface SchedulerContext extends ExecuteRunContext {
  /** null: no GPUs, every run takes a CPU slot. */
  gpus: GpuMonitor | null;
  cpuSlots: number;
  /** At most this many runs at once (an explicit --parallel on a GPU machine). */
  cap?: number;
  /** How often to look again for GPU room when runs wait on memory held by others. */
  pollMs: number;
  signal: AbortSignal;
  emit(e: RunnerEvent): void;
  /** Metrics of `done` runs per experiment id, for early stop; updated as runs finish. */
  doneMetrics: Map<string, Record<string, number>[]>;
}

/**
 * The live loop (docs/runners.md): start what fits, wait for a run to finish (or for GPU room), start
 * again. After each finished run, an experiment whose `early_stop` rule is met has its queued
 * runs cancelled and its running ones stopped. When the campaign's signal aborts (Ctrl+C), queued
 * runs are cancelled and running ones stopped; every run ends in a final status.
 */
export async function runScheduled(
  ctx: SchedulerContext,
  runs: readonly PreparedRun[],
): Promise<Map<string, FinishedRun>> {
  const results = new Map<string, FinishedRun>();
  let queue = [...runs];
  const running = new Map<
    string,
    { prepared: PreparedRun; ctrl: AbortController; gpu: number | null }
  >();
  let fatal: unknown;
  let waitingNoted = false;
  let waker: (() => void) | undefined;
  // Set when something happened while the loop was not waiting, so the wake-up is not lost.
  let signalled = false;
  const wake = () => {
    signalled = true;
    const w = waker;
    waker = undefined;
    w?.();
  };
  ctx.signal.addEventListener("abort", wake, { once: true });

  const settle = async (p: PreparedRun, status: "cancelled" | "failed", reason: string) => {
    Object.assign(p.entry, { status, reason, finished: ctx.clock().toISOString() });
    if (status === "cancelled") p.entry.failure_kind = "cancelled";
    else delete p.entry.failure_kind;
    await ctx.save({ ...p.entry });
    results.set(p.run.run_id, { entry: p.entry, metrics: null });
    ctx.emit({ type: "finish", entry: p.entry });
  };

  const earlyStop = async (expId: string) => {
    const first = runs.find((r) => r.run.exp_id === expId);
    const decision = earlyStopDecision(
      first?.run.experiment.early_stop,
      ctx.doneMetrics.get(expId) ?? [],
    );
    if (!decision.stop || !decision.reason) return;
    const reason = decision.reason;
    const victims = queue.filter((p) => p.run.exp_id === expId);
    if (victims.length === 0 && ![...running.values()].some((r) => r.prepared.run.exp_id === expId))
      return;
    queue = queue.filter((p) => p.run.exp_id !== expId);
    for (const p of victims) await settle(p, "cancelled", reason);
    for (const r of running.values()) if (r.prepared.run.exp_id === expId) r.ctrl.abort(reason);
    ctx.emit({ type: "note", text: `${expId}: ${reason}; its remaining runs are cancelled` });
  };

  const launch = (p: PreparedRun, gpu: number | null) => {
    const ctrl = new AbortController();
    const id = p.run.run_id;
    running.set(id, { prepared: p, ctrl, gpu });
    if (gpu !== null) ctx.gpus?.track(id, gpu, p.run.vram_mb, p.run.expected_duration_hours);
    const job = executeRun(
      {
        ...ctx,
        save: async (e) => {
          await ctx.save(e);
          ctx.emit({ type: e.status === "queued" ? "retry" : "start", entry: e });
        },
      },
      {
        entry: p.entry,
        argv: p.argv,
        retries: p.run.retries,
        supportsResume: p.supportsResume,
        gpu: gpu === null ? null : { index: gpu, label: ctx.gpus?.label(gpu) ?? String(gpu) },
        hideGpus: ctx.gpus !== null,
        signal: AbortSignal.any([ctx.signal, ctrl.signal]),
        onPid: (pid) => ctx.gpus?.setPid(id, pid),
        run: p.run,
      },
    ).catch((err: unknown): FinishedRun => {
      // A fault of labgate's own (a log that cannot be written): the run still ends definite.
      Object.assign(p.entry, {
        status: "failed",
        reason: `labgate could not run it: ${messageOf(err)}`,
        finished: ctx.clock().toISOString(),
      });
      delete p.entry.failure_kind;
      return { entry: p.entry, metrics: null };
    });
    job
      .then(async (fin) => {
        if (gpu !== null && ctx.gpus) {
          await ctx.gpus.settle();
          fin.entry.peak_vram_mb = ctx.gpus.release(id);
        }
        await ctx.save({ ...fin.entry });
        running.delete(id);
        results.set(id, fin);
        ctx.emit({ type: "finish", entry: fin.entry });
        if (fin.entry.status === "done" && fin.metrics) {
          const list = ctx.doneMetrics.get(p.run.exp_id) ?? [];
          list.push(fin.metrics);
          ctx.doneMetrics.set(p.run.exp_id, list);
          await earlyStop(p.run.exp_id);
        }
      })
      .catch((err: unknown) => {
        fatal ??= err;
        running.delete(id);
      })
      .finally(wake);
  };

  const startWhatFits = async () => {
    const decision = pickStarts({
      pending: queue.map((p) => ({
        id: p.run.run_id,
        vram_mb: p.run.vram_mb,
        expected_hours: p.run.expected_duration_hours,
      })),
      gpus: ctx.gpus?.slots() ?? null,
      cpuSlotsFree: ctx.cpuSlots - [...running.values()].filter((r) => r.gpu === null).length,
      capFree: ctx.cap === undefined ? undefined : ctx.cap - running.size,
    });
    if (decision.start.length === 0 && decision.never.length === 0) return;
    const byId = new Map(queue.map((p) => [p.run.run_id, p]));
    const taken = new Set([...decision.start.map((s) => s.id), ...decision.never]);
    queue = queue.filter((p) => !taken.has(p.run.run_id));
    const largest = Math.max(0, ...(ctx.gpus?.list ?? []).map((g) => g.total_mb));
    for (const id of decision.never) {
      const p = byId.get(id) as PreparedRun;
      await settle(
        p,
        "failed",
        `out-of-memory: needs ${Math.ceil(p.run.vram_mb * VRAM_HEADROOM)} MB free (vram_mb ${p.run.vram_mb} x ${VRAM_HEADROOM}) but the largest GPU here has ${largest} MB`,
      );
    }
    for (const s of decision.start) launch(byId.get(s.id) as PreparedRun, s.gpu);
  };

  while (queue.length > 0 || running.size > 0) {
    if (fatal) break;
    signalled = false;
    if (ctx.signal.aborted && queue.length > 0) {
      const reason = typeof ctx.signal.reason === "string" ? ctx.signal.reason : "cancelled";
      const left = queue;
      queue = [];
      for (const p of left) await settle(p, "cancelled", reason);
    } else if (!ctx.signal.aborted) await startWhatFits();
    if (running.size === 0 && queue.length === 0) break;
    if (running.size === 0 && !ctx.signal.aborted && !waitingNoted) {
      waitingNoted = true;
      const free = (ctx.gpus?.slots() ?? []).map((g) => `${g.index}: ${Math.round(g.free_mb)} MB`);
      ctx.emit({
        type: "note",
        text: `waiting for GPU memory: ${queue.length} run(s) do not fit in what is free now (${free.join(", ")}); looking again every ${ctx.pollMs} ms`,
      });
    }
    const waiting = signalled
      ? Promise.resolve()
      : new Promise<void>((r) => {
          waker = r;
        });
    // Runs waiting on GPU memory held by others: look again after a poll, not only on our finishes.
    let timer: NodeJS.Timeout | undefined;
    if (ctx.gpus && queue.length > 0)
      timer = setTimeout(() => {
        ctx.gpus
          ?.poll()
          .catch(() => undefined)
          .finally(wake);
      }, ctx.pollMs);
    await waiting;
    if (timer) clearTimeout(timer);
  }
  ctx.signal.removeEventListener("abort", wake);
  if (fatal) {
    for (const r of running.values()) r.ctrl.abort("cancelled: labgate stopped on an error");
    throw fatal;
  }
  return results;
}
