import { appIdBySlug } from "../../github/app-by-slug.js";
import {
  type ApprovalRecord,
  decodeApproval,
  GITHUB_ACTIONS_APP_ID,
  holds,
  isTrustedCheck,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import { listCheckRuns } from "../../github/check-runs.js";
import { canWrite, getCollaboratorRole } from "../../github/collaborator-permission.js";
import { getIssueComment } from "../../github/issue-comment.js";
import type { OctokitLike } from "../../github/octokit.js";
import { httpStatus, type RepoRef } from "../../github/repo-ref.js";
import { type PullRequestHead, pullRequestHead } from "./pull-request-head.js";

export interface DispatchRequest {
  pr: number;
  sha: string;
  phase: "pilot" | "full";
  /** The slug of the GitHub App whose `labgate/phase8` approval records count. */
  appSlug: string;
}

export type DispatchRefusalCode =
  | "no-pr"
  | "pr-closed"
  | "fork-pr"
  | "head-moved"
  | "unknown-app"
  | "untrusted-app"
  | "no-approval"
  | "approval-by-other-app"
  | "approval-comment-missing"
  | "approval-comment-mismatch"
  | "approval-comment-edited"
  | "approver-not-writer";

export type DispatchAuthorization =
  | { ok: true; head: PullRequestHead; approval: ApprovalRecord | undefined }
  | { ok: false; code: DispatchRefusalCode; message: string };

/**
 * May the dispatch workflow plan (pr, sha, phase)? It is started on the default branch with `sha`
 * as an input that anyone who can run a workflow by hand may also set, so the plan step checks
 * through the API, never from the checkout (docs/security.md, "The dispatch plans only what was
 * approved"):
 * - the PR is open, not from a fork, and `sha` is still its head;
 * - for the full phase, a standing approval record for this PR and SHA on a `labgate/phase8` check
 *   run that the labgate app itself wrote; where the record names its `/approve-phase8` comment,
 *   that comment is on this PR, by the approver, unedited, and its author can still write.
 * A pilot needs no approval record (`/run-pilot` asks only for green definitions and code review).
 */
export async function authorizeDispatch(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
): Promise<DispatchAuthorization> {
  const { pr, sha } = req;
  const short = sha.slice(0, 7);
  let head: PullRequestHead;
  try {
    head = await pullRequestHead(octokit, repo, pr);
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
    return refuse(
      "no-pr",
      `PR #${pr} does not exist in ${repo.owner}/${repo.repo}; set the \`pr\` input to the PR that was approved.`,
    );
  }
  if (head.state !== "open")
    return refuse("pr-closed", `PR #${pr} is ${head.state}; labgate dispatches only open PRs.`);
  if (head.fromFork)
    return refuse(
      "fork-pr",
      `PR #${pr} comes from the fork ${head.headRepo}; PRs from forks are never dispatched to self-hosted runners.`,
    );
  if (head.sha !== sha)
    return refuse(
      "head-moved",
      `PR #${pr}'s head is ${head.sha.slice(0, 7)}, not the requested sha ${short}: labgate plans only the PR's current head. Approve the new head with \`/approve-phase8\` (or \`/run-pilot\`) on the PR.`,
    );
  if (req.phase === "pilot") return { ok: true, head, approval: undefined };

  const appId = await appIdBySlug(octokit, req.appSlug);
  if (appId === undefined)
    return refuse(
      "unknown-app",
      `no GitHub App has the slug "${req.appSlug}"; set the action's \`app-slug\` input to the labgate app's slug (its settings page, https://github.com/settings/apps/<slug>).`,
    );
  if (appId === GITHUB_ACTIONS_APP_ID)
    return refuse(
      "untrusted-app",
      `\`app-slug: ${req.appSlug}\` names GitHub Actions itself: every workflow's GITHUB_TOKEN writes check runs as that app, so a PR's own workflow could forge the approval. Install the labgate GitHub App and set \`app-slug\` to its slug.`,
    );
  const records = (await listCheckRuns(octokit, repo, sha, PHASE8_CHECK))
    .map((check) => ({ check, record: decodeApproval(check.external_id) }))
    .filter(
      (r): r is typeof r & { record: ApprovalRecord } =>
        holds(r.record) && r.record.pr === pr && r.record.sha === sha,
    )
    .sort((a, b) => a.check.id - b.check.id);
  // The oldest standing record is the one that dispatched (approve-phase8.ts).
  const trusted = records.find((r) => isTrustedCheck(r.check, { app_id: appId }));
  if (!trusted) {
    const other = records[0];
    if (other?.check.app_id === GITHUB_ACTIONS_APP_ID)
      return refuse(
        "approval-by-other-app",
        `the approval record for PR #${pr} on ${PHASE8_CHECK} at ${short} was written by github-actions (a workflow's GITHUB_TOKEN), as any workflow can write, a PR's own included: ignored. The full phase needs an approval recorded by the labgate GitHub App (input \`app-slug\`: "${req.appSlug}"); Actions mode without the app runs pilots only.`,
      );
    return other
      ? refuse(
          "approval-by-other-app",
          `the approval record for PR #${pr} on ${PHASE8_CHECK} at ${short} was written by ${other.check.app_slug ?? "an unknown author"}, not the labgate app "${req.appSlug}" (input \`app-slug\`): ignored. Set \`app-slug\` to the slug of the app that answers \`/approve-phase8\`, or comment \`/approve-phase8\` on the PR.`,
        )
      : refuse(
          "no-approval",
          `no ${PHASE8_CHECK} check run at ${short} carries a standing approval of PR #${pr}: labgate runs the full phase only for a commit approved with \`/approve-phase8\` on the PR.`,
        );
  }
  const approval = trusted.record;
  if (approval.comment_id !== undefined) {
    const problem = await approvalCommentProblem(octokit, repo, approval);
    if (problem) return problem;
  }
  return { ok: true, head, approval };
}

/** The `/approve-phase8` comment a record names must still say what the approver wrote. */
async function approvalCommentProblem(
  octokit: OctokitLike,
  repo: RepoRef,
  approval: ApprovalRecord,
): Promise<Extract<DispatchAuthorization, { ok: false }> | undefined> {
  const id = approval.comment_id as number;
  const comment = await getIssueComment(octokit, repo, id);
  if (!comment || comment.issue !== approval.pr)
    return refuse(
      "approval-comment-missing",
      `the approving comment ${id} is not on PR #${approval.pr} (deleted?); comment \`/approve-phase8\` on the PR again.`,
    );
  if (comment.author.toLowerCase() !== approval.by.toLowerCase())
    return refuse(
      "approval-comment-mismatch",
      `the approving comment ${id} was written by @${comment.author}, but the approval record names @${approval.by}; comment \`/approve-phase8\` on the PR again.`,
    );
  if (comment.lastEditedAt !== null)
    return refuse(
      "approval-comment-edited",
      `the approving comment ${id} by @${comment.author} was edited after it was written (at ${comment.lastEditedAt}); an edited comment approves nothing. Comment \`/approve-phase8\` on the PR again.`,
    );
  const role = await getCollaboratorRole(octokit, repo, comment.author);
  if (!role.ok || !canWrite(role.role))
    return refuse(
      "approver-not-writer",
      `@${comment.author}, who approved PR #${approval.pr}, ${role.ok ? `now has ${role.role} permission` : `could not be checked (${role.reason})`}; an approval needs write, maintain or admin permission.`,
    );
  return undefined;
}

function refuse(code: DispatchRefusalCode, message: string) {
  return { ok: false as const, code, message };
}
