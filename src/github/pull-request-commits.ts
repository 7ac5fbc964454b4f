import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/**
 * Whether `sha` is one of PR `pr`'s commits (`GET /pulls/{n}/commits`, paginated; GitHub lists at
 * most 250). Every head the PR had is among them, unless a force-push dropped it since.
 */
export async function isPullRequestCommit(
  octokit: OctokitLike,
  repo: RepoRef,
  pr: number,
  sha: string,
): Promise<boolean> {
  const commits = await octokit.paginate(octokit.rest.pulls.listCommits, {
    ...repo,
    pull_number: pr,
    per_page: 100,
  });
  return commits.some((c) => c.sha === sha);
}
