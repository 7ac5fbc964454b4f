import { parseDispatchRunTitle } from "../../app/approval/dispatch-run-title.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { isActive, listWorkflowRuns, type WorkflowRunInfo } from "../../github/workflow-runs.js";

/**
 * Another run of the dispatch workflow (`workflow` on the default branch `branch`, by
 * `workflow_dispatch`) for the same PR, approved commit and phase, any wave, that is still queued
 * or running, besides this run `ownRunId` (docs/security.md, "One dispatch of an approval at a
 * time"). A later run that has not started yet is not counted: it waits behind this one in the
 * workflow's concurrency group and makes this same check when it starts. The newest 100 runs are
 * read (GitHub lists them newest first).
 */
export async function dispatchInFlight(
  octokit: OctokitLike,
  repo: RepoRef,
  workflow: string,
  branch: string,
  target: { pr: number; sha: string; phase: string },
  ownRunId: number,
): Promise<WorkflowRunInfo | undefined> {
  const runs = await listWorkflowRuns(octokit, repo, workflow, {
    branch,
    event: "workflow_dispatch",
  });
  return runs.find((run) => {
    if (run.id === ownRunId || !isActive(run) || run.head_branch !== branch) return false;
    if (run.id > ownRunId && run.status !== "in_progress") return false;
    const t = parseDispatchRunTitle(run.display_title);
    return (
      t !== undefined && t.pr === target.pr && t.sha === target.sha && t.phase === target.phase
    );
  });
}
