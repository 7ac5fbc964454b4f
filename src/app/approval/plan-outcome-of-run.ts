import { type BudgetPause, decodeBudgetPause } from "../../core/budget/budget-pause.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { listRunJobs } from "../../github/workflow-jobs.js";

/** The dispatch workflow's plan job (templates/workflows/labgate-dispatch.yml), by its name. */
const PLAN_JOB = "plan";

/**
 * Did the plan step of dispatch run `runId` pause the chain of waves for the budget
 * (docs/approval.md, "The budget")? Its refusal ends with the pause as a value on a line of its own
 * (`budgetPauseMessage`), which GitHub keeps as an annotation of the failed plan job. Only the plan
 * job is read: it runs the default branch's workflow before any of the PR's code, so no run job
 * can write there. The caller has checked the run is of the default branch's dispatch workflow.
 */
export async function budgetPauseOfRun(
  octokit: OctokitLike,
  repo: RepoRef,
  runId: number,
): Promise<BudgetPause | undefined> {
  const plan = (await listRunJobs(octokit, repo, runId)).find(
    (j) => j.name === PLAN_JOB && j.conclusion === "failure",
  );
  if (!plan) return undefined;
  const { data } = await octokit.rest.checks.listAnnotations({
    ...repo,
    check_run_id: plan.id,
    per_page: 50,
  });
  for (const a of data) {
    const pause = decodeBudgetPause(a.message);
    if (pause) return pause;
  }
  return undefined;
}
