import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

export interface WorkflowRunInfo {
  id: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  head_sha: string;
}

/** Runs of `workflowFile` on `branch` (newest first). */
export async function listWorkflowRuns(
  octokit: OctokitLike,
  repo: RepoRef,
  workflowFile: string,
  branch: string,
): Promise<WorkflowRunInfo[]> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: workflowFile,
    branch,
    per_page: 20,
  });
  return data.workflow_runs.map((r) => ({
    id: r.id,
    status: r.status ?? null,
    conclusion: r.conclusion ?? null,
    html_url: r.html_url,
    head_sha: r.head_sha,
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
