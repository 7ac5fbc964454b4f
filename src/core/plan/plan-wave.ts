import { measuredHoursByExperiment } from "../runner/measured-hours.js";
import type { StateEntry } from "../state/state-entry.js";
import { expandRuns } from "./expand-runs.js";
import {
  type DispatchPlan,
  type MatrixEntry,
  type PlanInput,
  type PlanResult,
  planDispatch,
  selectExperiments,
} from "./plan-dispatch.js";
import type { PlannedRun } from "./planned-run.js";
import { stillToRun } from "./still-to-run.js";
import { campaignFingerprint, type WaveRuns } from "./wave-runs.js";

export interface WavePlanInput extends PlanInput {
  /** The approved commit. */
  sha: string;
  phase: "pilot" | "full";
  stage?: number | undefined;
  /** 1, 2, ... */
  wave: number;
  /**
   * A later wave: the results state the earlier waves committed (the PR head's `state.json`) and
   * the commit it was read at. Absent or empty: every run is still to run.
   */
  state?: { commit: string; entries: readonly StateEntry[] };
}

export interface WavePlan {
  /** Every run of the campaign, in plan order: the list the hand-over's assignment is over. */
  campaign: PlannedRun[];
  /** The plan whose first wave this wave is: the campaign's (wave 1) or its runs still to run. */
  plan: DispatchPlan;
  wave: number;
  /** The waves the campaign is expected to take in all: those before this one and the plan's. */
  waves: number;
  /** This wave's matrix: the plan's first wave, shards numbered 0.. (at most 256). */
  matrix: { include: MatrixEntry[] };
  /** Runs in this wave. */
  runs: number;
  /** Estimated GPU-hours of this wave's runs. */
  gpu_hours: number;
  /** For the run and aggregate jobs (wave-runs.ts). */
  handover: WaveRuns;
  /** Runs of the campaign that earlier waves finished (0 for wave 1). */
  finished: number;
  /** Runs the state says were lost or interrupted, planned again. */
  again: string[];
}

export type WavePlanResult = { ok: true; wave: WavePlan } | Extract<PlanResult, { ok: false }>;

/**
 * One wave of a campaign (docs/runners.md, "Waves"). Wave 1 is the first wave of the campaign's
 * plan. A later wave is planned from what is still to run (`stillToRun`): the runs without a final
 * entry in the state the earlier waves committed, so a run that failed after its retries or was
 * stopped early is not run again and a lost one is; those runs are cut into shards under
 * `dispatch.max_job_hours` again, with the durations measured so far (`measuredHoursByExperiment`),
 * and this wave is that plan's first. Pure and deterministic.
 */
export function planWave(input: WavePlanInput): WavePlanResult {
  const campaign = expandRuns(selectExperiments(input.experiments, input.filter), {
    tmpDir: input.tmpDir,
    resultsDir: input.config.results_dir,
  });
  const later = input.wave > 1;
  const left = later ? stillToRun(campaign, input.state?.entries ?? [], input.sha) : undefined;
  const planned = planDispatch({
    ...input,
    ...(left ? { only: new Set(left.runs.map((r) => r.run_id)) } : {}),
    ...(later && input.state
      ? {
          measuredHours: new Map([
            ...(input.measuredHours ?? []),
            ...measuredHoursByExperiment(input.state.entries),
          ]),
        }
      : {}),
  });
  if (!planned.ok) return planned;
  const { plan } = planned;
  const first = plan.waves[0];
  const renumber = new Map((first?.shards ?? []).map((s, i) => [s, i]));
  const include = plan.matrix.include
    .filter((e) => renumber.has(e.shard))
    .map((e) => ({ ...e, shard: renumber.get(e.shard) as number, shards: renumber.size }));
  const planIndex = new Map(plan.runs.map((r, i) => [r.run_id, i]));
  const assignment = new Uint16Array(campaign.length);
  campaign.forEach((run, i) => {
    const p = planIndex.get(run.run_id);
    const shard = p === undefined ? undefined : renumber.get(plan.shardOf[p] as number);
    if (shard !== undefined) assignment[i] = shard + 1;
  });
  const waves = input.wave - 1 + plan.waves.length;
  return {
    ok: true,
    wave: {
      campaign,
      plan,
      wave: input.wave,
      waves,
      matrix: { include },
      runs: first?.runs ?? 0,
      gpu_hours: first?.gpu_hours ?? 0,
      handover: {
        sha: input.sha,
        phase: input.phase,
        stage: input.stage ?? null,
        wave: input.wave,
        waves: Math.max(waves, input.wave),
        state_commit: later ? (input.state?.commit ?? null) : null,
        runs: campaign.length,
        fingerprint: campaignFingerprint(campaign),
        shards: include.length,
        assignment,
      },
      finished: left?.finished ?? 0,
      again: left?.again ?? [],
    },
  };
}
