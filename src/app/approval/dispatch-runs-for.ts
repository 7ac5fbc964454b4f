import { listWorkflowRuns, type WorkflowRunInfo } from "../../github/workflow-runs.js";
import type { PrCommandContext } from "../commands/pr-command-context.js";
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
  const runs = await listWorkflowRuns(c.deps.octokit, c.deps.repo, c.config.dispatch_workflow, {
    branch: c.defaultBranch,
    event: "workflow_dispatch",
  });
  const out: DispatchRun[] = [];
  for (const run of runs) {
    const target = parseDispatchRunTitle(run.display_title);
    if (run.event !== "workflow_dispatch" || run.head_branch !== c.defaultBranch || !target)
      continue;
    if (target.pr !== c.pr.number || (sha !== undefined && target.sha !== sha)) continue;
    if (phase !== undefined && target.phase !== phase) continue;
    out.push({ ...run, target });
  }
  return out;
}
