import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/** What labgate needs to know about a PR. */
export interface PullRequestInfo {
  number: number;
  state: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  author: string;
  /** The head lives in another repository (or a deleted one): never dispatched to self-hosted runners. */
  fromFork: boolean;
}

interface PullLike {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { ref: string; repo: { full_name: string } };
  user: { login: string } | null;
}

export function toPullRequestInfo(pr: PullLike): PullRequestInfo {
  return {
    number: pr.number,
    state: pr.state,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    author: pr.user?.login ?? "",
    fromFork: pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name,
  };
}

export async function getPullRequest(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<PullRequestInfo> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  return toPullRequestInfo(data as PullLike);
}
