import { budgetCovering, gpuHoursText } from "../../core/budget/budget-pause.js";
import { effectiveBudget } from "../../core/config/effective-budget.js";
import { estimateGpuHours } from "../../core/plan/estimate-gpu-hours.js";
import { selectExperiments } from "../../core/plan/plan-dispatch.js";
import type { ApprovalRecord } from "../../github/check-run-protocol.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import type { PrCommandContext } from "../commands/pr-command-context.js";

/** The budget an approval records, and what the campaign it approves is estimated to take. */
export interface ApprovalBudget {
  /** The full phase's GPU-hours as declared: every full run charged its expected hours. */
  estimateGpuHours: number;
  /** Undefined: no budget anywhere (none in the definitions or config, none given). */
  gpuHours: number | undefined;
  from: NonNullable<ApprovalRecord["budget_from"]> | undefined;
}

/**
 * The budget `/approve-phase8` records for the campaign at `sha` (docs/approval.md, "The budget"):
 * the approver's `budget=N` when given, else the definitions' `budget.gpu_hours` within the default
 * branch's config's (`effectiveBudget`). Undefined when the definitions do not load (the
 * definitions gate is then red, and that refuses the approval).
 */
export async function approvalBudgetAt(
  c: PrCommandContext,
  sha: string,
  given: number | undefined,
): Promise<ApprovalBudget | undefined> {
  const ws = contentsWorkspace(c.deps.octokit, c.deps.repo, sha);
  await ws.prefetch([c.config.definitions]);
  const campaign = await loadCampaign(ws, { config: { ok: true, config: c.config } });
  const loaded = campaign.loaded;
  if (!loaded) return undefined;
  const estimate = estimateGpuHours(selectExperiments(loaded.experiments, { phase: "full" }));
  if (given !== undefined) return { estimateGpuHours: estimate, gpuHours: given, from: "approver" };
  const budget = effectiveBudget(loaded.definitions.budget?.gpu_hours, c.config.budget.gpu_hours);
  return {
    estimateGpuHours: estimate,
    gpuHours: budget?.gpuHours,
    from: budget === undefined ? undefined : budget.fromDefinitions ? "definitions" : "config",
  };
}

/** Why the campaign may not be approved under its budget, or undefined when it fits. */
export function overBudget(b: ApprovalBudget, head: string): string | undefined {
  if (b.gpuHours === undefined || b.estimateGpuHours <= b.gpuHours + 1e-6) return undefined;
  const where =
    b.from === "approver"
      ? `the budget you gave (\`budget=${gpuHoursText(b.gpuHours)}\`)`
      : b.from === "definitions"
        ? "the definitions' `budget.gpu_hours`"
        : "`budget.gpu_hours` in .github/labgate.yml";
  return `Not approved: the full phase is estimated at ${gpuHoursText(b.estimateGpuHours)} GPU-hours, over ${where} of ${gpuHoursText(b.gpuHours)} GPU-hours. Cut the campaign, or, as an approver, approve it with a budget that covers it: \`/approve-phase8 ${head} budget=${budgetCovering(b.estimateGpuHours)}\` (docs/approval.md, "The budget").`;
}

/**
 * With a red design debate: the numbers when the campaign is over the definitions' or config's
 * budget (the Skeptic rejects it, and `budget=N` overrules no gate), else undefined.
 */
export function overBudgetNote(b: ApprovalBudget): string | undefined {
  if (b.gpuHours === undefined || b.estimateGpuHours <= b.gpuHours + 1e-6) return undefined;
  const where =
    b.from === "definitions"
      ? "the definitions' `budget.gpu_hours`"
      : "`budget.gpu_hours` in .github/labgate.yml";
  return `Over budget: the full phase is estimated at ${gpuHoursText(b.estimateGpuHours)} GPU-hours, over ${where} of ${gpuHoursText(b.gpuHours)} GPU-hours, and the design debate's Skeptic rejects it. Cut the campaign, or raise the budget (the definitions' may only lower the default branch's config's); \`budget=N\` on the approval overrules no gate (docs/approval.md, "The budget").`;
}

/** One line of the `labgate/phase8` summary: the budget an approval record holds the campaign to. */
export function budgetLine(r: ApprovalRecord): string {
  if (r.budget_gpu_hours === undefined)
    return "Budget: none set (no `budget.gpu_hours` in the definitions or the config).";
  const from =
    r.budget_from === "approver"
      ? `given by @${r.by} with \`budget=${gpuHoursText(r.budget_gpu_hours)}\``
      : r.budget_from === "definitions"
        ? "the definitions' `budget.gpu_hours`"
        : "`budget.gpu_hours` in .github/labgate.yml";
  return `Budget: ${gpuHoursText(r.budget_gpu_hours)} GPU-hours (${from}); before each wave, the GPU-hours measured so far plus the wave's estimate must fit in it.`;
}
