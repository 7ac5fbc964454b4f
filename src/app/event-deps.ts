import type { CheckTrust } from "../github/check-run-protocol.js";
import type { OctokitLike } from "../github/octokit.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import type { PolicySource } from "../operations/load-context.js";

export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** What every piece of the app's work is given: injected, never built inside. */
export interface EventDeps {
  octokit: OctokitLike;
  repo: RepoRef;
  log: Log;
  clock: () => Date;
  /** Whose check runs count: this app's id, or none in Actions mode (check-run-protocol.ts). */
  trust: CheckTrust;
  /**
   * The repository's default branch as the webhook delivery names it (`repository.default_branch`:
   * GitHub's, in a signed delivery, not something a PR sets). Absent: `loadContext` asks the API.
   */
  defaultBranch?: string;
  /**
   * The design debate's language-model reviewer, as the environment configures it
   * (`providerFromEnv`, built once by the app's setup), or none.
   */
  provider?: ReviewProvider | undefined;
}

/**
 * Where this piece of work reads its policy: the default branch, through this work's octokit.
 * `extra`: the branch as the delivery names it (saves asking the API), files to read with it.
 */
export function policySource(
  deps: EventDeps,
  extra: Pick<PolicySource, "defaultBranch" | "batchWith"> = {},
): PolicySource {
  return { kind: "default-branch", octokit: deps.octokit, repo: deps.repo, ...extra };
}
