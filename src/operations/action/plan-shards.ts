import type { Config } from "../../core/config/config-schema.js";
import { effectiveBudget } from "../../core/config/effective-budget.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../../core/diagnostics/format-diagnostic.js";
import type { Failure } from "../../core/failure/failure.js";
import { expandRuns } from "../../core/plan/expand-runs.js";
import {
  type DispatchPlan,
  planDispatch,
  selectExperiments,
} from "../../core/plan/plan-dispatch.js";
import { planWave, type WavePlan } from "../../core/plan/plan-wave.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import {
  decodeWaveRuns,
  type WaveRuns,
  type WaveRunsCode,
  waveShardRuns,
} from "../../core/plan/wave-runs.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { diskWorkspace } from "../disk-workspace.js";
import { type GivenConfig, loadCampaign } from "../load-campaign.js";

export interface ShardPlanInput {
  cwd: string;
  phase: "pilot" | "full";
  stage?: number;
  /** Where checkpoint dirs go on the runner (RUNNER_TEMP). */
  tmpDir: string;
  /**
   * The default branch's config (policy: runner pools, budget, timeouts, result cap, checkpoint
   * root), never the checkout's `.github/labgate.yml`, which the PR under test chose
   * (docs/security.md). Every job of one dispatch passes the same one, so they agree on shards.
   */
  config: GivenConfig;
}

export type ShardPlanResult =
  | {
      ok: true;
      plan: DispatchPlan;
      config: Config;
      loaded: LoadedDefinitions;
      budget: number | undefined;
    }
  /**
   * `campaign-invalid`: the config or the definitions have errors; `plan-invalid`: they are valid
   * but do not plan (over the budget or the shard limit, say). The diagnostics are the cause.
   */
  | (Failure<"campaign-invalid" | "plan-invalid"> & { diagnostics: Diagnostic[] });

const refused = (
  code: "campaign-invalid" | "plan-invalid",
  diagnostics: Diagnostic[],
): Failure<"campaign-invalid" | "plan-invalid"> & { diagnostics: Diagnostic[] } => ({
  ok: false,
  code,
  message: diagnostics.map(formatDiagnostic).join("\n"),
  diagnostics,
});

/**
 * The dispatch plan of the checkout in `cwd`. Deterministic: the plan job, every shard job and
 * the aggregate job compute it from the same commit and agree on which run is in which shard.
 */
export async function planShards(input: ShardPlanInput): Promise<ShardPlanResult> {
  const campaign = await loadCampaign(diskWorkspace(input.cwd), { config: input.config });
  const errors = campaign.diagnostics.filter((d) => d.severity === "error");
  const loaded = campaign.loaded;
  if (!loaded || errors.length > 0) return refused("campaign-invalid", errors);
  const budget = effectiveBudget(
    loaded.definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  const result = planDispatch({
    experiments: loaded.experiments,
    config: campaign.config,
    filter: { phase: input.phase, stage: input.stage },
    tmpDir: input.tmpDir,
    budgetGpuHours: budget,
    locate: (i) => ({ file: loaded.file, ...loaded.locate(["experiments", i]) }),
  });
  if (!result.ok) return refused("plan-invalid", result.diagnostics);
  return { ok: true, plan: result.plan, config: campaign.config, loaded, budget };
}

export interface WaveShardPlanInput extends ShardPlanInput {
  /** The approved commit (the checkout in `cwd`). */
  sha: string;
  wave: number;
  /** A later wave: the results state the earlier waves committed, and the commit it was read at. */
  state?: { commit: string; entries: readonly StateEntry[] };
}

export type WaveShardPlanResult =
  | {
      ok: true;
      wave: WavePlan;
      config: Config;
      loaded: LoadedDefinitions;
      budget: number | undefined;
    }
  | (Failure<"campaign-invalid" | "plan-invalid"> & { diagnostics: Diagnostic[] });

/**
 * The plan job's wave (plan-wave.ts): wave 1 of the campaign's plan, or a later wave planned from
 * the runs still to run; its `handover` tells the run and aggregate jobs which runs are in which
 * of its shards, so they plan nothing themselves.
 */
export async function planWaveShards(input: WaveShardPlanInput): Promise<WaveShardPlanResult> {
  const campaign = await loadCampaign(diskWorkspace(input.cwd), { config: input.config });
  const errors = campaign.diagnostics.filter((d) => d.severity === "error");
  const loaded = campaign.loaded;
  if (!loaded || errors.length > 0) return refused("campaign-invalid", errors);
  const budget = effectiveBudget(
    loaded.definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  const result = planWave({
    experiments: loaded.experiments,
    config: campaign.config,
    filter: { phase: input.phase, stage: input.stage },
    tmpDir: input.tmpDir,
    budgetGpuHours: budget,
    locate: (i) => ({ file: loaded.file, ...loaded.locate(["experiments", i]) }),
    sha: input.sha,
    phase: input.phase,
    stage: input.stage,
    wave: input.wave,
    state: input.state,
  });
  if (!result.ok) return refused("plan-invalid", result.diagnostics);
  return { ok: true, wave: result.wave, config: campaign.config, loaded, budget };
}

export type HandedShards =
  | {
      ok: true;
      handover: WaveRuns;
      /** The runs of each shard of the wave (index: shard). */
      shards: PlannedRun[][];
      config: Config;
      loaded: LoadedDefinitions;
    }
  | (Failure<"campaign-invalid" | "plan-invalid" | WaveRunsCode> & { diagnostics?: Diagnostic[] });

/**
 * The shards of a wave as the plan job handed them over (input `wave-runs`, wave-runs.ts): the
 * campaign's runs expanded at `sha` with the default branch's config, each taken into the shard
 * the plan job assigned it. No plan is made here, so no job can disagree with the plan job; a
 * hand-over for another campaign is refused.
 */
export async function handedShards(
  input: ShardPlanInput & { sha: string; waveRuns: string },
): Promise<HandedShards> {
  const decoded = decodeWaveRuns(input.waveRuns);
  if (!decoded.ok) return decoded;
  const campaign = await loadCampaign(diskWorkspace(input.cwd), { config: input.config });
  const errors = campaign.diagnostics.filter((d) => d.severity === "error");
  const loaded = campaign.loaded;
  if (!loaded || errors.length > 0) return refused("campaign-invalid", errors);
  const runs = expandRuns(
    selectExperiments(loaded.experiments, { phase: input.phase, stage: input.stage }),
    { tmpDir: input.tmpDir, resultsDir: campaign.config.results_dir },
  );
  const shards = waveShardRuns(decoded.value, runs, input);
  if (!shards.ok) return shards;
  return {
    ok: true,
    handover: decoded.value,
    shards: shards.shards,
    config: campaign.config,
    loaded,
  };
}
