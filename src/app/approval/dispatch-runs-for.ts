import { listWorkflowRuns, type WorkflowRunInfo } from "../../github/workflow-runs.js";
import type { PrCommandContext } from "../commands/pr-command-context.js";
import type { EventDeps } from "../event-deps.js";
import { type DispatchRunTarget, parseDispatchRunTitle } from "./dispatch-run-title.js";

export interface DispatchRun extends WorkflowRunInfo {
  target: DispatchRunTarget;
}

/**
 * The runs of the dispatch workflow that labgate started for this PR (newest first): the
 * default branch's `dispatch_workflow`, started by `workflow_dispatch` on the default branch, whose
 * title names this PR (and `sha` and `phase`, when given). Only these may be cancelled or re-run
 * from the PR (docs/security.md): nothing a PR's files say picks a workflow run or a job. GitHub
 * lists a dispatched run a few seconds after it accepted the dispatch, not at once.
 */
export async function dispatchRunsFor(
  c: PrCommandContext,
  sha?: string,
  phase?: string,
): Promise<DispatchRun[]> {
  return dispatchRunsOfPr(c.deps, {
    workflow: c.config.dispatch_workflow,
    defaultBranch: c.defaultBranch,
    pr: c.pr.number,
    ...(sha === undefined ? {} : { sha }),
    ...(phase === undefined ? {} : { phase }),
  });
}

/** `dispatchRunsFor` without a command: the workflow, default branch and PR given (the dashboard). */
export async function dispatchRunsOfPr(
  deps: Pick<EventDeps, "octokit" | "repo">,
  w: { workflow: string; defaultBranch: string; pr: number; sha?: string; phase?: string },
): Promise<DispatchRun[]> {
  const runs = await listWorkflowRuns(deps.octokit, deps.repo, w.workflow, {
    branch: w.defaultBranch,
    event: "workflow_dispatch",
  });
  const out: DispatchRun[] = [];
  for (const run of runs) {
    const target = parseDispatchRunTitle(run.display_title);
    if (run.event !== "workflow_dispatch" || run.head_branch !== w.defaultBranch || !target)
      continue;
    if (target.pr !== w.pr || (w.sha !== undefined && target.sha !== w.sha)) continue;
    if (w.phase !== undefined && target.phase !== w.phase) continue;
    out.push({ ...run, target });
  }
  return out;
}
