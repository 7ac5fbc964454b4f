import { type Failure, fail } from "../core/failure/failure.js";
import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** The commit a branch pointed at, at a moment, or why that cannot be told. */
export type BranchHeadAt =
  | { ok: true; sha: string; since: string }
  | Failure<"no-activity" | "activity-unavailable">;

/** At most this many of a branch's newest activities are read looking for the moment. */
const MAX_ACTIVITIES = 300;

/**
 * Where `branch` pointed at `at`, from the repository activity API (`GET /repos/{o}/{r}/activity`):
 * every push, force-push and branch creation with the time GitHub received it. Those timestamps are
 * GitHub's own; a commit's author and committer dates are whatever the pusher wrote, so they say
 * nothing about when a commit reached the branch. The head at `at` is the `after` of the newest
 * activity at or before `at`.
 */
export async function branchHeadAt(
  octokit: OctokitLike,
  repo: RepoRef,
  branch: string,
  at: string,
): Promise<BranchHeadAt> {
  const when = Date.parse(at);
  let read = 0;
  try {
    for await (const { data } of octokit.paginate.iterator(octokit.rest.repos.listActivities, {
      ...repo,
      ref: `refs/heads/${branch}`,
      direction: "desc",
      per_page: 100,
    })) {
      for (const a of data) {
        if (Date.parse(a.timestamp) <= when)
          return a.activity_type === "branch_deletion"
            ? noActivity(branch, at)
            : { ok: true, sha: a.after, since: a.timestamp };
      }
      read += data.length;
      if (read >= MAX_ACTIVITIES) break;
    }
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    return fail(
      "activity-unavailable",
      `GitHub did not list the activity of \`${branch}\` (HTTP ${status})`,
    );
  }
  return noActivity(branch, at);
}

function noActivity(branch: string, at: string): BranchHeadAt {
  return {
    ok: false,
    code: "no-activity",
    message: `GitHub lists no push to \`${branch}\` at or before ${at}`,
  };
}
