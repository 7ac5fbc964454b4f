import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/** A job of a workflow run, as labgate reads it. */
export interface WorkflowJobInfo {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
}

/** The jobs of a workflow run's latest attempt (`GET /actions/runs/{id}/jobs?filter=latest`). */
export async function listRunJobs(
  octokit: OctokitLike,
  repo: RepoRef,
  runId: number,
): Promise<WorkflowJobInfo[]> {
  const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
    ...repo,
    run_id: runId,
    filter: "latest",
    per_page: 100,
  });
  return jobs.map((j) => ({
    id: j.id,
    name: j.name,
    status: j.status,
    conclusion: j.conclusion ?? null,
    html_url: j.html_url ?? null,
  }));
}
