import type { Config } from "../../config/config-schema.js";
import type { LoadedDefinitions } from "../../definitions/validate-definitions.js";
import { expandRuns } from "../../plan/expand-runs.js";
import { aggregateRows } from "../../results/aggregate-rows.js";
import { type HypothesisVerdict, hypothesisVerdicts } from "../../results/hypothesis-verdicts.js";
import {
  type Change,
  changeOf,
  type Direction,
  isBetter,
  metricSenses,
} from "../../results/metric-direction.js";
import { pilotPass, type RunMetrics } from "../../results/pilot-pass.js";
import { StatsAccumulator } from "../../results/stats-accumulator.js";
import { FINAL_STATUSES, type RunStatus } from "../../state/state-entry.js";
import type { PilotRunResult } from "./pilot-run-result.js";

export type Recommendation = "PROCEED" | "ITERATE" | "ROLLBACK" | "PENDING";

export interface PilotRow {
  run_id: string;
  exp_id: string;
  stage: number;
  method: string;
  dataset: string;
  /** "not run" when the run has no state yet (its stage has not started, or never will). */
  status: string;
  /** The dataset's primary metric, when the run reported it. */
  metric: string;
  value: number | null;
  passed: boolean;
  /** Why it passed or failed (the criterion comparison, or the failure reason). */
  why: string;
}

export interface BestResult {
  dataset: string;
  metric: string;
  direction: Direction;
  run_id: string;
  method: string;
  value: number;
  baseline?: { method: string; value: number; source: "pilot runs" | "expected" };
  delta?: number;
  /** Whether `delta` is an improvement for the metric's direction. */
  change?: Change;
}

export interface PilotSynthesis {
  planned: number;
  finished: number;
  passed: number;
  failed: number;
  notFinished: number;
  passRate: number | null;
  rows: PilotRow[];
  best: BestResult[];
  /** Failures grouped by kind; `why` is the first run's own reason, as it was reported. */
  failures: { why: string; runs: string[] }[];
  /** Each hypothesis' verdict from the pilot results, by the same rule as the full phase's. */
  hypotheses: HypothesisVerdict[];
  recommendation: Recommendation;
  /** The rule that decided the recommendation, in words, with its numbers. */
  rule: string;
}

/**
 * The pilot synthesis of docs/gates.md. Every planned pilot run (experiments x params x seeds) gets a
 * row, joined with its result when there is one; a run passes when `pilotPass` says so.
 *
 * The recommendation, thresholds from `.github/labgate.yml` `gates.pilot`:
 * 1. no pilot run has finished: PENDING (neutral);
 * 2. ROLLBACK when the pass rate of finished runs is below `rollback_max_pass_rate` (default 0.5),
 *    or when every finished stage-1 run failed (the approach does not work end to end);
 * 3. PENDING while planned runs are unfinished and none has failed;
 * 4. PROCEED when every planned run finished and the pass rate is at least
 *    `proceed_min_pass_rate` (default 1: all passed) — a stage that never ran because an earlier
 *    one failed counts as unfinished, so it cannot PROCEED;
 * 5. ITERATE otherwise: fix what failed and run the pilots again.
 */
export function synthesizePilot(
  loaded: LoadedDefinitions,
  results: readonly PilotRunResult[],
  config: Config,
): PilotSynthesis {
  const defs = loaded.definitions;
  const pilots = loaded.experiments.filter((e) => e.phase === "pilot");
  const planned = expandRuns(pilots, { tmpDir: "/tmp", resultsDir: config.results_dir });
  const byId = new Map(results.map((r) => [r.run_id, r]));
  const peers: RunMetrics[] = results.map((r) => ({ ...r, phase: "pilot" }));
  const datasetMetric = new Map(defs.datasets.map((d) => [d.id, d.metric]));
  const sense = metricSenses(defs);
  const isFinal = (s: string) => (FINAL_STATUSES as readonly string[]).includes(s as RunStatus);

  const rows: PilotRow[] = planned.map((p) => {
    const exp = p.experiment;
    const r = byId.get(p.run_id);
    const metric = exp.pass_criterion?.metric ?? datasetMetric.get(p.dataset) ?? "";
    const base = {
      run_id: p.run_id,
      exp_id: p.exp_id,
      stage: p.stage ?? 1,
      method: p.method,
      dataset: p.dataset,
      metric,
    };
    if (!r) return { ...base, status: "not run", value: null, passed: false, why: "no result yet" };
    const verdict = pilotPass({ ...r, phase: "pilot" }, exp.pass_criterion, {
      baselineMethod: exp.baseline?.method,
      direction: sense(metric, exp.hypotheses).direction,
      peers,
    });
    const why = r.status !== "done" && r.reason ? `${r.status}: ${r.reason}` : verdict.reason;
    return {
      ...base,
      status: r.status,
      value: r.metrics[metric] ?? null,
      passed: verdict.pass,
      why,
    };
  });

  const finishedRows = rows.filter((r) => isFinal(r.status));
  const passed = finishedRows.filter((r) => r.passed).length;
  const failed = finishedRows.length - passed;
  const notFinished = rows.length - finishedRows.length;
  const passRate = finishedRows.length > 0 ? passed / finishedRows.length : null;

  // Grouped by kind (the reason with its numbers blanked out), shown with a real reason: a
  // blanked one read `exit N ... ckpt_pilot-lstm-a_sN` for `exit 1 ... _s1`.
  const groups = new Map<string, { why: string; runs: string[] }>();
  for (const r of finishedRows) {
    if (r.passed) continue;
    const kind = failureKind(r);
    const g = groups.get(kind);
    if (g) g.runs.push(r.run_id);
    else
      groups.set(kind, {
        why: r.status === "done" ? `criterion not met (${r.why})` : r.why,
        runs: [r.run_id],
      });
  }
  const failures = [...groups.values()].sort(
    (a, b) => b.runs.length - a.runs.length || a.why.localeCompare(b.why),
  );

  const best: BestResult[] = [];
  for (const d of defs.datasets) {
    const dir = sense(d.metric).direction;
    const done = rows.filter((r) => r.dataset === d.id && r.status === "done");
    let top: { row: PilotRow; value: number } | undefined;
    for (const row of done) {
      const v = byId.get(row.run_id)?.metrics[d.metric];
      if (typeof v !== "number") continue;
      if (!top || isBetter(v, top.value, dir)) top = { row, value: v };
    }
    if (!top) continue;
    const b: BestResult = {
      dataset: d.id,
      metric: d.metric,
      direction: dir,
      run_id: top.row.run_id,
      method: top.row.method,
      value: top.value,
    };
    const baseline = baselineFor(top.row, d.metric, loaded, results);
    if (baseline) {
      b.baseline = baseline;
      b.delta = top.value - baseline.value;
      b.change = changeOf(b.delta, dir);
    }
    best.push(b);
  }

  const { recommendation, rule } = recommend(
    rows,
    finishedRows.length,
    passRate,
    notFinished,
    failed,
    config,
  );
  return {
    planned: rows.length,
    finished: finishedRows.length,
    passed,
    failed,
    notFinished,
    passRate,
    rows,
    best,
    failures,
    hypotheses: pilotHypotheses(loaded, planned, byId),
    recommendation,
    rule,
  };
}

/** Hypothesis verdicts from the done pilot runs, aggregated over seeds as the results are. */
function pilotHypotheses(
  loaded: LoadedDefinitions,
  planned: ReturnType<typeof expandRuns>,
  byId: ReadonlyMap<string, PilotRunResult>,
): HypothesisVerdict[] {
  const acc = new StatsAccumulator();
  for (const p of planned) {
    const r = byId.get(p.run_id);
    if (r?.status !== "done") continue;
    const run = {
      exp_id: p.exp_id,
      phase: "pilot",
      method: p.method,
      dataset: p.dataset,
      seed: p.seed,
    };
    for (const [metric, value] of Object.entries(r.metrics))
      acc.add(p.variant_id, run, metric, value);
  }
  const pilots = loaded.experiments.filter((e) => e.phase === "pilot");
  const rows = aggregateRows(acc, loaded.definitions, pilots);
  return hypothesisVerdicts(rows, loaded.definitions, pilots, "pilot");
}

function recommend(
  rows: readonly PilotRow[],
  finished: number,
  passRate: number | null,
  notFinished: number,
  failed: number,
  config: Config,
): { recommendation: Recommendation; rule: string } {
  const { proceed_min_pass_rate: proceedAt, rollback_max_pass_rate: rollbackBelow } =
    config.gates.pilot;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (finished === 0 || passRate === null)
    return {
      recommendation: "PENDING",
      rule: `no pilot run has finished yet (${rows.length} planned)`,
    };
  if (passRate < rollbackBelow)
    return {
      recommendation: "ROLLBACK",
      rule: `pass rate ${pct(passRate)} is below gates.pilot.rollback_max_pass_rate (${pct(rollbackBelow)})`,
    };
  const stage1 = rows.filter(
    (r) =>
      r.stage === 1 &&
      r.status !== "not run" &&
      r.status !== "pending" &&
      r.status !== "queued" &&
      r.status !== "running",
  );
  if (stage1.length > 0 && stage1.every((r) => !r.passed))
    return {
      recommendation: "ROLLBACK",
      rule: `every finished stage-1 run failed (${stage1.length}): the approach does not work end to end`,
    };
  if (notFinished > 0 && failed === 0)
    return {
      recommendation: "PENDING",
      rule: `${finished} of ${rows.length} pilot runs finished, all passed; waiting for the rest`,
    };
  if (notFinished === 0 && passRate >= proceedAt)
    return {
      recommendation: "PROCEED",
      rule: `all ${rows.length} pilot runs finished and the pass rate ${pct(passRate)} meets gates.pilot.proceed_min_pass_rate (${pct(proceedAt)})`,
    };
  return {
    recommendation: "ITERATE",
    rule:
      notFinished > 0
        ? `${failed} run(s) failed and ${notFinished} did not run (a later stage waits for an earlier one to pass); pass rate ${pct(passRate)} is between the rollback (${pct(rollbackBelow)}) and proceed (${pct(proceedAt)}) thresholds`
        : `pass rate ${pct(passRate)} is below gates.pilot.proceed_min_pass_rate (${pct(proceedAt)}) but not below rollback_max_pass_rate (${pct(rollbackBelow)})`,
  };
}

/** A failure's kind, for grouping: the status reason without run-specific numbers. */
function failureKind(r: PilotRow): string {
  if (r.status !== "done") return r.why.replace(/\d+(\.\d+)?/g, "N");
  return `criterion not met (${r.why.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "N")})`;
}

function baselineFor(
  row: PilotRow,
  metric: string,
  loaded: LoadedDefinitions,
  results: readonly PilotRunResult[],
): BestResult["baseline"] {
  const exp = loaded.experiments.find((e) => e.id === row.exp_id);
  const baselineMethods = exp?.baseline
    ? [exp.baseline.method]
    : loaded.definitions.methods.filter((m) => m.group === "baseline").map((m) => m.id);
  if (baselineMethods.includes(row.method)) return undefined;
  for (const method of baselineMethods) {
    const values = results
      .filter((r) => r.method === method && r.dataset === row.dataset && r.status === "done")
      .map((r) => r.metrics[metric])
      .filter((v): v is number => typeof v === "number");
    if (values.length > 0)
      return {
        method,
        value: values.reduce((a, b) => a + b, 0) / values.length,
        source: "pilot runs",
      };
  }
  const expected = exp?.baseline?.expected?.[metric];
  if (exp?.baseline && expected !== undefined)
    return { method: exp.baseline.method, value: expected, source: "expected" };
  return undefined;
}
