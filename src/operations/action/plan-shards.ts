import type { Config } from "../../core/config/config-schema.js";
import { effectiveBudget } from "../../core/config/effective-budget.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../../core/diagnostics/format-diagnostic.js";
import type { Failure } from "../../core/failure/failure.js";
import { type DispatchPlan, planDispatch } from "../../core/plan/plan-dispatch.js";
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
): ShardPlanResult => ({
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
