import {
  type BudgetPause,
  budgetPauseRefusal,
  decodeBudgetPause,
} from "../../core/budget/budget-pause.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { listRunJobs } from "../../github/workflow-jobs.js";

/** The dispatch workflow's plan job (templates/workflows/labgate-dispatch.yml), by its name. */
const PLAN_JOB = "plan";

/**
 * What the plan step of a finished dispatch run decided (docs/approval.md, "When the dispatch
 * finishes"):
 * - `planned`: the plan job succeeded, so it authorized the dispatch of the approval: the run
 *   carried the campaign, and its end completes the approval;
 * - `paused`: the plan job refused wave `pause.wave` for the GPU-hour budget, in labgate's own
 *   words (`budgetPauseRefusal`, re-made from the pause and compared whole);
 * - `refused`: anything else (no plan job, a plan job cancelled or skipped, a refusal for a bad
 *   input, an approval it could not find, another dispatch in flight). Anyone who can run a
 *   workflow by hand can make such a run, so it says nothing about the approval.
 */
export type PlanOutcome =
  | { kind: "planned" }
  | { kind: "paused"; pause: BudgetPause }
  | { kind: "refused"; why: string };

/**
 * Reads the plan job of dispatch run `runId` for `target` (the PR and wave its title names). A run
 * that succeeded had every job succeed, so nothing is read. Only the plan job counts: it runs the
 * default branch's workflow before any of the PR's code, so no run job can write there; and
 * every input it echoes in an error is escaped (src/action/inputs.ts). The caller has checked the
 * run is of the default branch's dispatch workflow.
 */
export async function planOutcomeOfRun(
  octokit: OctokitLike,
  repo: RepoRef,
  run: { runId: number; conclusion: string | null },
  target: { pr: number; wave: number },
): Promise<PlanOutcome> {
  if (run.conclusion === "success") return { kind: "planned" };
  const plan = (await listRunJobs(octokit, repo, run.runId)).find((j) => j.name === PLAN_JOB);
  if (!plan) return { kind: "refused", why: "it has no plan job" };
  if (plan.conclusion === "success") return { kind: "planned" };
  if (plan.conclusion !== "failure")
    return { kind: "refused", why: `its plan job ended ${plan.conclusion ?? plan.status}` };
  const { data } = await octokit.rest.checks.listAnnotations({
    ...repo,
    check_run_id: plan.id,
    per_page: 50,
  });
  for (const a of data) {
    const pause = decodeBudgetPause(a.message);
    if (
      pause &&
      pause.wave === target.wave &&
      normalized(a.message) === budgetPauseRefusal(pause, target.pr)
    )
      return { kind: "paused", pause };
  }
  return { kind: "refused", why: "its plan job refused to plan (not for the budget)" };
}

function normalized(text: string | null | undefined): string {
  return (text ?? "").replace(/\r\n/g, "\n").trim();
}
