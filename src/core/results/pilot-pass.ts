import type { PassCriterion } from "../definitions/definitions-schema.js";
import { num } from "./format-delta.js";
import {
  type Direction,
  type DirectionDefinitions,
  isBetter,
  metricSenses,
} from "./metric-direction.js";

/** What pilot-pass needs to know about a run: where it ran and what it measured. */
export interface RunMetrics {
  run_id: string;
  method: string;
  dataset: string;
  /** "pilot" | "full" | "pilot (archived)" */
  phase: string;
  status: string;
  /** From the run's result file; null when it has none. */
  metrics: Readonly<Record<string, number>> | null;
}

export interface PilotPassContext {
  /** For `beats_baseline`: the method to beat (the experiment's `baseline.method`). */
  baselineMethod?: string;
  /** Which way the criterion's metric is better (`metricDirection`; default: higher). */
  direction?: Direction;
  /** Every run known so far; `beats_baseline` picks the baseline's runs on the same dataset. */
  peers: readonly RunMetrics[];
}

export interface PilotVerdict {
  pass: boolean;
  /** One line: what was compared with what. */
  reason: string;
}

/**
 * docs/definitions.md: a pilot run passes when it ends `done` and meets its `pass_criterion` (no criterion:
 * `done` is enough). `beats_baseline` compares the run's value with the mean of the baseline
 * method's `done` runs on the same dataset — those of the same phase when there are any, so a
 * pilot is compared with pilots — in the metric's direction.
 */
export function pilotPass(
  run: RunMetrics,
  criterion: PassCriterion | undefined,
  ctx: PilotPassContext,
): PilotVerdict {
  if (run.status !== "done") return { pass: false, reason: `ended ${run.status}` };
  if (!criterion) return { pass: true, reason: "done (no pass criterion)" };
  const value = run.metrics?.[criterion.metric];
  if (typeof value !== "number")
    return { pass: false, reason: `its result has no metric "${criterion.metric}"` };
  const v = show(value);
  if ("min" in criterion)
    return value >= criterion.min
      ? { pass: true, reason: `${criterion.metric} ${v} >= ${criterion.min}` }
      : { pass: false, reason: `${criterion.metric} ${v} < min ${criterion.min}` };
  if ("max" in criterion)
    return value <= criterion.max
      ? { pass: true, reason: `${criterion.metric} ${v} <= ${criterion.max}` }
      : { pass: false, reason: `${criterion.metric} ${v} > max ${criterion.max}` };

  const base = ctx.baselineMethod;
  if (!base) return { pass: false, reason: "beats_baseline, but the experiment names no baseline" };
  const candidates = ctx.peers.filter(
    (p) =>
      p.method === base &&
      p.dataset === run.dataset &&
      p.status === "done" &&
      typeof p.metrics?.[criterion.metric] === "number",
  );
  const samePhase = candidates.filter((p) => p.phase === run.phase);
  const pool = samePhase.length > 0 ? samePhase : candidates;
  if (pool.length === 0)
    return {
      pass: false,
      reason: `beats_baseline: no finished ${base} run on ${run.dataset} to compare with`,
    };
  const mean =
    pool.reduce((s, p) => s + (p.metrics?.[criterion.metric] as number), 0) / pool.length;
  const direction = ctx.direction ?? "higher";
  const beats = isBetter(value, mean, direction);
  const higher = direction === "higher";
  return {
    pass: beats,
    reason: `${criterion.metric} ${v} ${beats ? (higher ? ">" : "<") : higher ? "<=" : ">="} ${base} mean ${show(mean)} (${pool.length} run${pool.length === 1 ? "" : "s"})`,
  };
}

/** The method `beats_baseline` compares with: the experiment's `baseline.method`. */
export function baselineMethodOf(exp: { baseline?: { method: string } }): string | undefined {
  return exp.baseline?.method;
}

/** A metric's direction by the one rule of `metricSenses` (declared, hypothesis, name guess). */
export function metricDirection(
  definitions: DirectionDefinitions,
  metric: string,
  hypothesisIds: readonly string[] = [],
): Direction {
  return metricSenses(definitions)(metric, hypothesisIds).direction;
}

const show = num;
