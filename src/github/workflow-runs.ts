import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

export interface WorkflowRunInfo {
  id: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  head_sha: string;
  /** What started it (`workflow_dispatch`, `push`, ...). */
  event: string;
  /** The branch whose copy of the workflow ran. */
  head_branch: string | null;
  /** The run's title: the workflow's `run-name` rendered with its inputs. */
  display_title: string | null;
}

/** Runs of `workflowFile` on `branch` started by `event` (newest first, the newest 100). */
export async function listWorkflowRuns(
  octokit: OctokitLike,
  repo: RepoRef,
  workflowFile: string,
  filter: { branch: string; event: string },
): Promise<WorkflowRunInfo[]> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: workflowFile,
    branch: filter.branch,
    event: filter.event,
    per_page: 100,
  });
  return data.workflow_runs.map((r) => ({
    id: r.id,
    status: r.status ?? null,
    conclusion: r.conclusion ?? null,
    html_url: r.html_url,
    head_sha: r.head_sha,
    event: r.event,
    head_branch: r.head_branch ?? null,
    display_title: r.display_title ?? null,
  }));
}

export const isActive = (r: WorkflowRunInfo) =>
  r.status === "queued" ||
  r.status === "in_progress" ||
  r.status === "waiting" ||
  r.status === "pending" ||
  r.status === "requested";

export async function cancelWorkflowRun(octokit: OctokitLike, repo: RepoRef, runId: number) {
  await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: runId });
}

export async function rerunFailedJobs(octokit: OctokitLike, repo: RepoRef, runId: number) {
  await octokit.rest.actions.reRunWorkflowFailedJobs({ ...repo, run_id: runId });
}

export async function rerunJob(octokit: OctokitLike, repo: RepoRef, jobId: number) {
  await octokit.rest.actions.reRunJobForWorkflowRun({ ...repo, job_id: jobId });
}
