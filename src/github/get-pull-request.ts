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

/** The repository fields of a PR's head and base, as the API and the webhook payloads give them. */
export interface PullRepos {
  head: { repo?: { id?: number | null } | null };
  base: { repo?: { id?: number | null } | null };
}

/**
 * Whether a PR's head lives in another repository than its base: the one fork test labgate has
 * (docs/security.md). Compared by repository id, which no rename or transfer changes and which
 * two repositories never share; a deleted head repository (`head.repo: null`) counts as a fork.
 */
export function isFork(pr: PullRepos): boolean {
  const head = pr.head.repo?.id;
  const base = pr.base.repo?.id;
  return typeof head !== "number" || typeof base !== "number" || head !== base;
}

interface PullLike extends PullRepos {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo: { id: number } | null };
  base: { ref: string; repo: { id: number } };
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
    fromFork: isFork(pr),
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
