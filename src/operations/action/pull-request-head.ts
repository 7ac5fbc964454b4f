import { isFork } from "../../github/get-pull-request.js";
import type { OctokitLike } from "../../github/octokit.js";

export interface PullRequestHead {
  number: number;
  /** The PR's branch, in its head repository. */
  ref: string;
  sha: string;
  /** "open" or "closed" (a merged PR is closed too). */
  state: string;
  /** True when the head branch lives in another repository (a fork). */
  fromFork: boolean;
  headRepo: string;
  /** Who opened the PR (`approvers.require_other_approver`). */
  author: string;
}

/** Reads a PR's head through the API; a fork is any head repo other than the base repo (`isFork`). */
export async function pullRequestHead(
  octokit: OctokitLike,
  repo: { owner: string; repo: string },
  pr: number,
): Promise<PullRequestHead> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr });
  const headRepo = data.head.repo?.full_name ?? "(deleted fork)";
  return {
    number: pr,
    ref: data.head.ref,
    sha: data.head.sha,
    state: data.state,
    fromFork: isFork(data),
    headRepo,
    author: data.user?.login ?? "",
  };
}
