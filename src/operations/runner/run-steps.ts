import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import {
  baselineMethodOf,
  metricDirection,
  pilotPass,
  type RunMetrics,
} from "../../core/results/pilot-pass.js";
import { campaignSteps, inStep, stageVerdict } from "../../core/runner/stage-gate.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { type PreparedRun, runScheduled, type SchedulerContext } from "./run-scheduler.js";

export interface StepsInput {
  loaded: LoadedDefinitions;
  /** Every selected run, done ones included. */
  runs: readonly PlannedRun[];
  /** The runs to execute (not done yet), entries `queued`. */
  prepared: readonly PreparedRun[];
  /** Runs done before this invocation, with their metrics. */
  done: ReadonlyMap<string, { entry: StateEntry; metrics: Record<string, number> }>;
}

/**
 * Pilot stage 1, 2, 3, then full (docs/definitions.md): a stage runs only after the one before passed,
 * judged by `pilotPass` on every run of the stage (those done earlier included). Runs of a step
 * that does not run — a failed gate before it, or Ctrl+C — are marked `cancelled` with why.
 */
export async function runSteps(
  ctx: SchedulerContext,
  input: StepsInput,
  /** Runs one step's runs: the local executor's by default, the SLURM executor's on a SLURM pool. */
  schedule: typeof runScheduled = runScheduled,
): Promise<{ entries: Map<string, StateEntry>; gateFailed: string | null }> {
  const entries = new Map<string, StateEntry>();
  const metrics = new Map<string, Record<string, number> | null>();
  for (const [id, d] of input.done) {
    const list = ctx.doneMetrics.get(d.entry.exp_id) ?? [];
    list.push(d.metrics);
    ctx.doneMetrics.set(d.entry.exp_id, list);
    metrics.set(id, d.metrics);
  }
  let gateFailed: string | null = null;
  for (const step of campaignSteps(input.runs)) {
    const todo = input.prepared.filter((p) => inStep(p.run, step));
    ctx.emit({ type: "step", label: step.label, runs: todo.length });
    if (gateFailed || ctx.signal.aborted) {
      const reason = ctx.signal.aborted
        ? typeof ctx.signal.reason === "string"
          ? ctx.signal.reason
          : "cancelled"
        : `not run: ${gateFailed} did not pass`;
      for (const p of todo) {
        Object.assign(p.entry, {
          status: "cancelled",
          reason,
          finished: ctx.clock().toISOString(),
          failure_kind: "cancelled",
        });
        await ctx.save({ ...p.entry });
        entries.set(p.run.run_id, p.entry);
        ctx.emit({ type: "finish", entry: p.entry });
      }
      continue;
    }
    const results = await schedule(ctx, todo);
    for (const [id, fin] of results) {
      entries.set(id, fin.entry);
      metrics.set(id, fin.metrics);
    }
    if (step.phase !== "pilot" || ctx.signal.aborted) continue;

    const members = input.runs.filter((r) => inStep(r, step));
    const known = (r: PlannedRun): RunMetrics | undefined => {
      const e = entries.get(r.run_id) ?? input.done.get(r.run_id)?.entry;
      return e
        ? {
            run_id: r.run_id,
            method: r.method,
            dataset: r.dataset,
            phase: r.phase,
            status: e.status,
            metrics: metrics.get(r.run_id) ?? null,
          }
        : undefined;
    };
    const peers = input.runs.map(known).filter((m): m is RunMetrics => m !== undefined);
    const verdict = stageVerdict(
      members.map((r) => {
        const criterion = r.experiment.pass_criterion;
        return {
          run_id: r.run_id,
          verdict: pilotPass(
            known(r) ?? {
              run_id: r.run_id,
              method: r.method,
              dataset: r.dataset,
              phase: r.phase,
              status: "pending",
              metrics: null,
            },
            criterion,
            {
              baselineMethod: baselineMethodOf(r.experiment),
              direction: criterion
                ? metricDirection(
                    input.loaded.definitions,
                    criterion.metric,
                    r.experiment.hypotheses,
                  )
                : undefined,
              peers,
            },
          ),
        };
      }),
    );
    ctx.emit({ type: "gate", label: step.label, pass: verdict.pass, failures: verdict.failures });
    if (!verdict.pass) gateFailed = step.label;
  }
  return { entries, gateFailed };
}
