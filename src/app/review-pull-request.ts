import { DEFAULT_CONFIG } from "../core/config/config-schema.js";
import { effectiveBudget } from "../core/config/effective-budget.js";
import type { GateId, Verdict } from "../core/gates/verdict.js";
import { RESULTS_FILES, resultsFilePath, statePath } from "../core/paths/layout.js";
import { estimateGpuHours } from "../core/plan/estimate-gpu-hours.js";
import { countRuns } from "../core/plan/expand-runs.js";
import { parseDispatchState } from "../core/state/parse-dispatch-state.js";
import type { StateEntry } from "../core/state/state-entry.js";
import { contentsWorkspace } from "../github/contents-workspace.js";
import { upsertStickyComment } from "../github/sticky-comment.js";
import { loadContext, type PolicyContext } from "../operations/load-context.js";
import { reviewGates } from "../operations/review-gates.js";
import { approvalView } from "./approval/approval-view.js";
import { carryOrVoidApproval } from "./approval/carry-or-void.js";
import { latestApproval } from "./approval/find-approval.js";
import type { ApprovalView, DashboardModel } from "./dashboard/dashboard-model.js";
import { dashboardWaves } from "./dashboard/dashboard-waves.js";
import { fullPhaseVerdicts } from "./dashboard/full-phase-verdicts.js";
import { DASHBOARD_MARKER, renderDashboard } from "./dashboard/render-dashboard.js";
import { type DryRunDispatch, dispatchDryRun } from "./dry-run/dispatch-dry-run.js";
import { type EventDeps, policySource } from "./event-deps.js";
import { prefetchReviewFiles } from "./prefetch-review-files.js";
import { DRY_RUN_GATE, publishGateChecks } from "./publish-gate-checks.js";

export interface ReviewTarget {
  pr: number;
  headSha: string;
  fromFork: boolean;
  /** How labgate learns the approval state: moved across a push, looked up on the head, or none (a new PR). */
  approval: { kind: "push"; before: string } | { kind: "lookup" } | { kind: "new" };
  /** Post only these gates' checks (a re-requested check run); all when absent. The dashboard
   * always shows every gate. */
  only?: GateId[];
}

/**
 * Reviews a PR's head commit: reads its files through the API, runs the gates, posts one check
 * run per gate and refreshes the lab dashboard.
 */
export async function reviewPullRequest(deps: EventDeps, t: ReviewTarget): Promise<DashboardModel> {
  // The policy (gates' thresholds, required flags, budget, paths, workflow names) is the default
  // branch's, read once for this piece of work and passed to everything in it: the PR's own
  // `.github/labgate.yml` cannot loosen its gates (docs/security.md).
  // One GraphQL request reads it with the head's definitions and state where they usually are.
  const ws = contentsWorkspace(deps.octokit, deps.repo, t.headSha);
  const policy = await loadContext(
    policySource(deps, {
      defaultBranch: deps.defaultBranch,
      batchWith: { workspace: ws, paths: [DEFAULT_CONFIG.definitions, statePath(DEFAULT_CONFIG)] },
    }),
  );
  const config = policy.ok ? policy.config : DEFAULT_CONFIG;
  // The committed full-phase results' verdicts, if any, come in the scripts' batch.
  const aggregatedPath = resultsFilePath(config, RESULTS_FILES.aggregatedJson);
  const read = await prefetchReviewFiles(ws, config, [aggregatedPath]);

  const { runs, problem } = await readRuns(ws, statePath(config));
  const hypotheses = fullPhaseVerdicts(aggregatedPath, await ws.readFile(aggregatedPath));
  // Every gate runs even when only some are re-posted: the dashboard lists them all, and a
  // dashboard built from one re-requested gate would drop the others (and their pending dry-run).
  // An invalid policy fails the gates, naming the default branch's file (fail closed).
  const { verdicts, campaign } = await reviewGates({
    workspace: ws,
    ...(policy.ok ? { campaign: read } : { config: policy }),
    dryRun: "skip",
    provider: deps.provider,
  });
  const experiments = campaign.loaded?.experiments ?? [];
  const hasPilots = runs.some((r) => r.phase === "pilot");
  const shown = verdicts.filter((v) => v.gate !== "pilot" || hasPilots);
  const only = t.only;
  const posted = only ? shown.filter((v) => only.includes(v.gate)) : shown;
  // Each code-review post starts its dry-run: the default branch's gates workflow on this head.
  const dryRun = posted.some((v) => v.gate === DRY_RUN_GATE)
    ? await dispatchDryRun(deps, t, policy)
    : undefined;
  await publishGateChecks(deps, t.headSha, posted, dryRun);

  const approval = await resolveApproval(deps, t, policy);
  const waves = policy.ok
    ? await dashboardWaves(deps, { config, defaultBranch: policy.ref }, t.pr, experiments, approval)
    : undefined;
  const full = experiments.filter((e) => e.phase === "full");
  const budget = effectiveBudget(
    campaign.loaded?.definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  const model: DashboardModel = {
    pr: t.pr,
    headSha: t.headSha,
    definitionsPath: campaign.definitionsPath,
    ...(campaign.loaded ? { definitions: campaign.loaded.definitions } : {}),
    experiments,
    verdicts: shown,
    pending: pendingGates(shown, dryRun),
    plannedRuns: full.reduce((n, e) => n + countRuns(e), 0),
    gpuHours: estimateGpuHours(full),
    ...(budget === undefined ? {} : { budgetGpuHours: budget }),
    runs,
    ...(problem ? { stateProblem: problem } : {}),
    approval,
    // A voided approval's results are no approved dispatch's: aggregated.json at this head may be
    // anyone's (a forged results-only push voids it, docs/security.md), so no verdicts are shown.
    ...(hypotheses && approval.kind !== "voided" ? { hypotheses } : {}),
    ...(waves ? { waves } : {}),
  };
  await upsertStickyComment(deps.octokit, deps.repo, {
    issue_number: t.pr,
    marker: DASHBOARD_MARKER,
    body: renderDashboard(model),
  });
  return model;
}

/**
 * Code review waits for its dry-run when its static part passed, unless the dry-run was not
 * started (a fork PR, a dispatch that failed): then nothing will report it.
 */
function pendingGates(verdicts: readonly Verdict[], dryRun: DryRunDispatch | undefined): string[] {
  if (dryRun && !dryRun.ok) return [];
  return verdicts
    .filter((v) => v.gate === DRY_RUN_GATE && v.conclusion !== "failure")
    .map((v) => v.gate);
}

async function resolveApproval(
  deps: EventDeps,
  t: ReviewTarget,
  policy: PolicyContext,
): Promise<ApprovalView> {
  if (t.fromFork) return { kind: "fork" };
  if (t.approval.kind === "new") return { kind: "none" };
  if (t.approval.kind === "push")
    return carryOrVoidApproval(deps, t.pr, t.approval.before, t.headSha, policy);
  return approvalView(await latestApproval(deps, t.headSha, t.pr));
}

async function readRuns(
  ws: { readFile(p: string): Promise<string | undefined> },
  path: string,
): Promise<{ runs: StateEntry[]; problem?: string }> {
  const text = await ws.readFile(path);
  if (text === undefined) return { runs: [] };
  const parsed = parseDispatchState(path, text);
  return parsed.ok ? { runs: parsed.value.experiments } : { runs: [], problem: parsed.message };
}
