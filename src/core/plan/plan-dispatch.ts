import type { Config } from "../config/config-schema.js";
import type { ResolvedExperiment } from "../definitions/definitions-schema.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { allocateShards } from "./allocate-shards.js";
import { balanceShards } from "./balance-shards.js";
import { expandRuns } from "./expand-runs.js";
import { expectedJobHours } from "./expected-job-hours.js";
import { fitShards } from "./fit-shards.js";
import { matchPool, VRAM_HEADROOM } from "./match-pool.js";
import type { PlannedRun } from "./planned-run.js";

/** GitHub runs at most 256 jobs from one matrix (docs/github-limits.md). */
export const MAX_MATRIX_JOBS = 256;

export interface PlanFilter {
  phase?: "pilot" | "full";
  stage?: number;
  /** Only experiments marked `nightly: true`. */
  nightly?: boolean;
}

/** One entry of `strategy.matrix.include`: everything a runner job needs to find its runs again. */
export interface MatrixEntry {
  shard: number;
  shards: number;
  pool: string;
  runs_on: string[];
  runs: number;
  gpu_hours: number;
}

/**
 * One workflow run of a campaign longer than one job: at most one shard per machine of each pool
 * (never more than 256), each expected to end within `dispatch.max_job_hours`.
 */
export interface Wave {
  /** 1, 2, ... */
  wave: number;
  /** Its shards (indices into `matrix.include`, and the `shard` of each entry). */
  shards: number[];
  runs: number;
  gpu_hours: number;
  /** Expected hours of its longest job: the wave's duration. */
  hours: number;
}

export interface DispatchPlan {
  runs: PlannedRun[];
  /** For each run (same index), its shard. */
  shardOf: Int32Array;
  gpu_hours: number;
  budget_gpu_hours: number | undefined;
  /** Every shard of every wave; a wave's workflow run gets only its own (`waveMatrix`). */
  matrix: { include: MatrixEntry[] };
  /** In order; one when the campaign fits in one job per machine. */
  waves: Wave[];
  /** The limit the shards were cut to (`dispatch.max_job_hours`). */
  max_job_hours: number;
}

export type PlanResult =
  | { ok: true; plan: DispatchPlan }
  | { ok: false; diagnostics: Diagnostic[] };

export interface PlanInput {
  experiments: readonly ResolvedExperiment[];
  config: Config;
  filter?: PlanFilter;
  tmpDir: string;
  budgetGpuHours?: number;
  /** Measured hours per experiment id (from earlier runs), used instead of the declared estimate. */
  measuredHours?: ReadonlyMap<string, number>;
  /** Plan only these runs (by id) of the selected experiments: a later wave's runs still to run. */
  only?: ReadonlySet<string>;
  /** For diagnostics: where an experiment is declared. */
  locate?: (expIndex: number) => { file: string; line: number; column: number };
}

export function selectExperiments(
  experiments: readonly ResolvedExperiment[],
  filter: PlanFilter = {},
): ResolvedExperiment[] {
  return experiments.filter(
    (e) =>
      (filter.phase === undefined || e.phase === filter.phase) &&
      (filter.stage === undefined || (e.phase === "pilot" && (e.stage ?? 1) === filter.stage)) &&
      (filter.nightly === undefined || e.nightly === filter.nightly),
  );
}

/**
 * Plans a dispatch (docs/definitions.md, docs/runners.md): expands runs, assigns each to a runner pool, and balances each
 * pool's runs into shards by estimated hours, never more than 256 shards in all.
 * Deterministic: a runner job recomputes the same plan from the same commit to find its shard.
 */
export function planDispatch(input: PlanInput): PlanResult {
  const { config } = input;
  const selected = selectExperiments(input.experiments, input.filter);
  const expanded = expandRuns(selected, { tmpDir: input.tmpDir, resultsDir: config.results_dir });
  const only = input.only;
  const runs = only ? expanded.filter((r) => only.has(r.run_id)) : expanded;
  if (input.measuredHours) {
    for (const run of runs) {
      const measured = input.measuredHours.get(run.exp_id);
      if (measured !== undefined) {
        run.expected_duration_hours = measured;
        run.estimate_source = "measured";
      }
    }
  }

  const pools = config.runner_pools;
  const poolOf = new Int32Array(runs.length);
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  runs.forEach((run, i) => {
    const p = matchPool(run, pools);
    poolOf[i] = p;
    if (p < 0 && !reported.has(run.exp_id)) {
      reported.add(run.exp_id);
      const where = input.locate?.(input.experiments.indexOf(run.experiment)) ?? {
        file: config.definitions,
        line: 1,
        column: 1,
      };
      diagnostics.push({
        severity: "error",
        ...where,
        path: `experiments[id=${run.exp_id}]`,
        message: `no runner pool can run "${run.exp_id}": it asks for labels [${run.runs_on.join(", ")}]${
          run.vram_mb > 0
            ? ` and ${Math.ceil(run.vram_mb * VRAM_HEADROOM)} MB free GPU memory (vram_mb x ${VRAM_HEADROOM})`
            : ""
        }`,
        hint: `pools: ${pools.map((p) => `${p.name} [${p.labels.join(", ")}] ${p.gpu_memory_mb} MB`).join("; ")}. Add a pool in .github/labgate.yml or change runs_on / vram_mb.`,
      });
    }
  });
  const maxJobHours = config.dispatch.max_job_hours;
  const tooLong = new Set<string>();
  runs.forEach((run, i) => {
    const pool = pools[poolOf[i] as number];
    if (!pool || tooLong.has(run.exp_id)) return;
    const alone = expectedJobHours([run], pool);
    if (alone <= maxJobHours) return;
    tooLong.add(run.exp_id);
    const where = input.locate?.(input.experiments.indexOf(run.experiment)) ?? {
      file: config.definitions,
      line: 1,
      column: 1,
    };
    diagnostics.push({
      severity: "error",
      ...where,
      path: `experiments[id=${run.exp_id}].expected_duration_hours`,
      message: `one run of "${run.exp_id}" is expected to take ${Math.round(alone * 100) / 100} h (${run.estimate_source}), over dispatch.max_job_hours (${maxJobHours} h): a runner job cannot hold it`,
      hint: "Split the run (fewer steps per run, resuming from its checkpoint), or raise dispatch.max_job_hours in .github/labgate.yml (at most 100: GitHub stops a self-hosted job after 5 days; docs/github-limits.md).",
    });
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const poolRuns: number[][] = pools.map(() => []);
  const poolHours = pools.map(() => 0);
  runs.forEach((run, i) => {
    const p = poolOf[i] as number;
    poolRuns[p]?.push(i);
    poolHours[p] = (poolHours[p] ?? 0) + run.expected_duration_hours;
  });
  // Stage N+1 of the pilots runs only after stage N passed (docs/definitions.md), and only one job sees all
  // of a stage's outcomes: a plan spanning several pilot stages keeps each pool's runs in one
  // shard. (Dispatch one stage at a time, `/run-pilot N`, to spread a stage over machines.)
  const pilotStages = new Set(runs.filter((r) => r.phase === "pilot").map((r) => r.stage));
  const perPool = (pool: { machines: number }) => (pilotStages.size > 1 ? 1 : pool.machines);
  const wanted = pools.map((pool, p) => Math.min(perPool(pool), poolRuns[p]?.length ?? 0));
  const counts = allocateShards(wanted, poolHours, Math.min(config.max_shards, MAX_MATRIX_JOBS));

  const shardOf = new Int32Array(runs.length);
  const include: MatrixEntry[] = [];
  /** Per shard (same index as `include`): its wave and its job's expected hours. */
  const waveOfShard: number[] = [];
  const jobHoursOf: number[] = [];
  let base = 0;
  pools.forEach((pool, p) => {
    const members = poolRuns[p] ?? [];
    const parallel = counts[p] ?? 0;
    if (members.length === 0 || parallel === 0) return;
    const hours = Float64Array.from(
      members,
      (i) => (runs[i] as PlannedRun).expected_duration_hours,
    );
    const memberRuns = members.map((i) => runs[i] as PlannedRun);
    // Several pilot stages stay in one job per pool (above): no split, one wave.
    const fitted =
      pilotStages.size > 1
        ? {
            assignment: balanceShards(hours, parallel),
            count: parallel,
            jobHours: [expectedJobHours(memberRuns, pool)],
          }
        : fitShards(memberRuns, pool, parallel, maxJobHours);
    const local = fitted.assignment;
    const k = fitted.count;
    for (let s = 0; s < k; s++) {
      waveOfShard.push(Math.floor(s / parallel) + 1);
      jobHoursOf.push(fitted.jobHours[s] ?? 0);
    }
    const entries: MatrixEntry[] = Array.from({ length: k }, (_, s) => ({
      shard: base + s,
      shards: 0,
      pool: pool.name,
      runs_on: pool.labels,
      runs: 0,
      gpu_hours: 0,
    }));
    members.forEach((runIndex, j) => {
      const entry = entries[local[j] as number] as MatrixEntry;
      shardOf[runIndex] = entry.shard;
      entry.runs++;
      entry.gpu_hours += hours[j] as number;
    });
    include.push(...entries);
    base += k;
  });
  for (const e of include) {
    e.shards = include.length;
    e.gpu_hours = Math.round(e.gpu_hours * 1000) / 1000;
  }

  const waves: Wave[] = [];
  include.forEach((entry, s) => {
    const w = waveOfShard[s] as number;
    while (waves.length < w)
      waves.push({ wave: waves.length + 1, shards: [], runs: 0, gpu_hours: 0, hours: 0 });
    const wave = waves[w - 1] as Wave;
    wave.shards.push(entry.shard);
    wave.runs += entry.runs;
    wave.gpu_hours = Math.round((wave.gpu_hours + entry.gpu_hours) * 1000) / 1000;
    wave.hours = Math.max(wave.hours, Math.round((jobHoursOf[s] as number) * 1000) / 1000);
  });

  let gpuHours = 0;
  for (const run of runs) gpuHours += run.expected_duration_hours;
  return {
    ok: true,
    plan: {
      runs,
      shardOf,
      gpu_hours: gpuHours,
      budget_gpu_hours: input.budgetGpuHours,
      matrix: { include },
      waves,
      max_job_hours: maxJobHours,
    },
  };
}

/**
 * The matrix of wave `wave` (1-based): its shards only, numbered as in the whole plan so each
 * runner job finds its runs again. Absent when the plan has no such wave.
 */
export function waveMatrix(
  plan: DispatchPlan,
  wave: number,
): { include: MatrixEntry[] } | undefined {
  const w = plan.waves[wave - 1];
  if (!w) return undefined;
  const mine = new Set(w.shards);
  return { include: plan.matrix.include.filter((e) => mine.has(e.shard)) };
}
