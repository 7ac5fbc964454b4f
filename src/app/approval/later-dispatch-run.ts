import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { listWorkflowRuns, type WorkflowRunInfo } from "../../github/workflow-runs.js";
import { type DispatchRunTarget, parseDispatchRunTitle } from "./dispatch-run-title.js";

/**
 * A run of the dispatch workflow (`workflow` on the default branch `branch`, by
 * `workflow_dispatch`) for `target`'s PR, SHA, phase and wave, started after run `afterRunId`: the
 * next wave of a campaign in waves, which the aggregate job starts before its own run ends
 * (docs/runners.md, "Waves"). GitHub numbers runs in the order they are created. The newest 100
 * runs are read.
 */
export async function laterDispatchRun(
  octokit: OctokitLike,
  repo: RepoRef,
  workflow: string,
  branch: string,
  target: DispatchRunTarget,
  afterRunId: number,
): Promise<WorkflowRunInfo | undefined> {
  const runs = await listWorkflowRuns(octokit, repo, workflow, {
    branch,
    event: "workflow_dispatch",
  });
  return runs.find((run) => {
    const t = parseDispatchRunTitle(run.display_title);
    return (
      run.id > afterRunId &&
      run.event === "workflow_dispatch" &&
      run.head_branch === branch &&
      t !== undefined &&
      t.pr === target.pr &&
      t.sha === target.sha &&
      t.phase === target.phase &&
      (t.wave ?? 1) === (target.wave ?? 1)
    );
  });
}
