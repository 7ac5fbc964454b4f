import { type GateProblem, recomputedGateProblems } from "../../app/approval/gates-green.js";
import { cancelAfter } from "../../app/commands/cancel-after.js";
import { parseCommands } from "../../app/commands/parse-commands.js";
import { resultsOnlyRange } from "../../core/approval/results-commits.js";
import type { Config } from "../../core/config/config-schema.js";
import { type Failure, fail } from "../../core/failure/failure.js";
import { appIdBySlug } from "../../github/app-by-slug.js";
import { branchHeadAt } from "../../github/branch-head-at.js";
import {
  type ApprovalRecord,
  approvedBudget,
  CHECK_NAMES,
  decodeApproval,
  GITHUB_ACTIONS_APP_ID,
  holds,
  isTrustedCheck,
  openRecords,
  plannable,
  recordCheckOf,
} from "../../github/check-run-protocol.js";
import { listCheckRuns } from "../../github/check-runs.js";
import { canWrite, getCollaboratorRole } from "../../github/collaborator-permission.js";
import { compareRange, unboundResultsCommits } from "../../github/compare-commits.js";
import {
  getIssueComment,
  type IssueCommentInfo,
  MAX_LISTED_COMMENTS,
} from "../../github/issue-comment.js";
import type { OctokitLike } from "../../github/octokit.js";
import { httpStatus, type RepoRef } from "../../github/repo-ref.js";
import type { ReviewProvider } from "../../llm/review-provider.js";
import type { PolicyContext } from "../load-context.js";
import type { Workspace } from "../workspace.js";
import { type PullRequestHead, pullRequestHead } from "./pull-request-head.js";

export interface DispatchRequest {
  pr: number;
  sha: string;
  phase: "pilot" | "full";
  /** The pilot stage asked for (input `stage`); absent: every stage. */
  stage?: number | undefined;
  /**
   * Which wave of a campaign in waves (docs/runners.md, "Waves"); absent: 1. A later wave runs on
   * the approval of the first, after the results commits of the waves before it.
   */
  wave?: number | undefined;
  /** The slug of the GitHub App whose `labgate/phase8` approval records count. */
  appSlug: string;
  /**
   * The files at `sha`: the plan job's checkout, which the caller has checked is `sha`. Only an
   * Actions-mode record (written by `github-actions`) recomputes the gates from it.
   */
  checkout: Workspace;
  /**
   * The default branch's policy (`loadContext`), loaded once for the invocation on first use: only
   * an Actions-mode record asks it here, and the caller plans with the same one.
   */
  policy: () => Promise<PolicyContext>;
  /** The design debate's language-model reviewer for the gates' recompute; none if unset. */
  provider?: ReviewProvider | undefined;
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
  | "approver-not-writer"
  | "approval-without-comment"
  | "approval-comment-not-a-command"
  | "approval-comment-other-sha"
  | "approval-comment-abbreviated-sha"
  | "approval-head-unknown"
  | "approval-comment-other-head"
  | "approver-is-author"
  | "approval-cancelled"
  | "approval-cancel-unknown"
  | "approval-closed"
  | "approval-completed"
  | "policy-config-invalid"
  | "gates-not-green";

export type DispatchAuthorization =
  | {
      ok: true;
      head: PullRequestHead;
      approval: ApprovalRecord | undefined;
      /**
       * The GPU-hour budget the approval gives the campaign (docs/approval.md, "The budget"): the
       * largest its records hold (a later `/approve-phase8 budget=N` adds one); in Actions mode only
       * a `budget=N` its verified approving comments give. Undefined: none recorded, and the plan
       * holds the campaign to the definitions' or config's budget.
       */
      budgetGpuHours?: number | undefined;
    }
  | Failure<DispatchRefusalCode>;

/**
 * May the dispatch workflow plan (pr, sha, phase)? It is started on the default branch with `sha`
 * as an input that anyone who can run a workflow by hand may also set, so the plan step checks
 * through the API, never from the checkout (docs/security.md, "The dispatch plans only what was
 * approved"):
 * - the PR is open, not from a fork, and `sha` is still its head;
 * - for the full phase, a standing approval record for this PR and SHA on a `labgate/phase8` check
 *   run that the labgate app itself wrote; where the record names its `/approve-phase8` comment,
 *   that comment is on this PR, by the approver, unedited, and its author can still write;
 * - or, in Actions mode (the record written by `github-actions`, as any workflow can write), the
 *   evidence behind it that a PR cannot forge (`actionsModeApproval`): that comment, bound to `sha`
 *   by its own `/approve-phase8 <sha>` or by GitHub's record of the branch's pushes, an approver
 *   other than the author where the default branch's policy asks, and every gate green at `sha`
 *   recomputed from the checkout and the gates workflow's runs.
 * A pilot runs on the same self-hosted runners, so it is checked the same way against its own
 * record: the `/run-pilot` record (`phase: "pilot"`) on a `labgate/pilot-dispatch` check run, its
 * `/run-pilot` comment, and in Actions mode green definitions and code review (what `/run-pilot`
 * asks) instead of every gate.
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
  if (head.sha !== sha) {
    // A later wave plans the approved commit after the earlier waves committed their results on
    // top of it: the head may be a descendant of `sha` whose commits touch only the results and
    // dispatch directories (as an approval is carried over such a push, docs/approval.md).
    const since = (req.wave ?? 1) > 1 ? await resultsOnlySince(octokit, repo, req, head) : "";
    if (since !== undefined)
      return refuse(
        "head-moved",
        `PR #${pr}'s head is ${head.sha.slice(0, 7)}, not the requested sha ${short}${since}: labgate plans only the PR's current head. Approve the new head with \`/approve-phase8\` (or \`/run-pilot\`) on the PR.`,
      );
  }
  // Each phase is approved by its own record on its own check (recordCheckOf): a pilot record
  // never approves the full phase, nor a full approval a pilot.
  const checkName = recordCheckOf(req.phase);
  const command = req.phase === "pilot" ? "/run-pilot" : "/approve-phase8";

  // An unknown slug is refused below unless an Actions-mode record carries the approval.
  const appId = await appIdBySlug(octokit, req.appSlug);
  if (appId === GITHUB_ACTIONS_APP_ID)
    return refuse(
      "untrusted-app",
      `\`app-slug: ${req.appSlug}\` names GitHub Actions itself: every workflow's GITHUB_TOKEN writes check runs as that app, so a PR's own workflow could forge the approval. Set \`app-slug\` to the labgate GitHub App's slug, or in Actions mode (no app) leave it at its default: records by github-actions then count only on the evidence behind them.`,
    );
  // A later wave also reads the records on the head its results commits made: the app carries the
  // approval there, and a `/cancel` since closes it there (cancel-dispatch.ts).
  const checks = [
    ...(await listCheckRuns(octokit, repo, sha, checkName)),
    ...(head.sha === sha ? [] : await listCheckRuns(octokit, repo, head.sha, checkName)),
  ];
  const ofThisRun = checks
    .map((check) => ({ check, record: decodeApproval(check.external_id) }))
    .filter(
      (r): r is typeof r & { record: ApprovalRecord } =>
        r.record !== undefined &&
        r.record.pr === pr &&
        r.record.sha === sha &&
        r.record.phase === req.phase &&
        // `/run-pilot <stage>` starts that stage only; a record of every stage covers each one
        (r.record.stage === undefined || r.record.stage === req.stage),
    )
    .sort((a, b) => a.check.id - b.check.id);
  // `/cancel` (and a failed dispatch) closes an approval with a newer record of our app: the
  // approval's state is that of our newest record, so a hand-made dispatch after a /cancel plans
  // nothing, as the app itself sees it (latestApproval).
  const ours =
    appId === undefined ? [] : ofThisRun.filter((r) => isTrustedCheck(r.check, { app_id: appId }));
  const newest = ours.at(-1);
  const newestHolds: boolean = newest === undefined || holds(newest.record);
  // A completed approval holds (the app answers a second `/approve-phase8` with "already
  // approved"), but it ran: an approval runs once, so a hand-made dispatch of it plans nothing.
  const ranOnce = (r: { check: { id: number } }) =>
    refuse(
      "approval-completed",
      `the approval of PR #${pr} at ${short} is completed (${checkName} record ${r.check.id}): its dispatch already ran, and an approval runs once. \`/retry failed\` on the PR re-runs that run's failed jobs; to run again, push a new commit and approve it.`,
    );
  if (newest?.record.state === "completed") return ranOnce(newest);
  if (newest && !newestHolds)
    return refuse(
      "approval-closed",
      `the approval of PR #${pr} at ${short} is ${newest.record.state} (${checkName} record ${newest.check.id}): nothing to plan. Comment \`${command}\` on the PR to approve it again.`,
    );
  const records = ofThisRun.filter((r) => plannable(r.record));
  // The oldest record of the approval still open is the one that dispatched (approve-phase8.ts).
  const trusted = openRecords(ours).find((r) => plannable(r.record));
  if (!trusted) {
    const byActions = records.filter((r) => r.check.app_id === GITHUB_ACTIONS_APP_ID);
    // Actions mode: a completed record by github-actions already ran too.
    const completed = ofThisRun.find(
      (r) => r.check.app_id === GITHUB_ACTIONS_APP_ID && r.record.state === "completed",
    );
    if (byActions.length === 0 && completed) return ranOnce(completed);
    if (byActions.length > 0)
      return actionsModeApproval(
        octokit,
        repo,
        req,
        head,
        byActions.map((r) => r.record),
      );
    if (appId === undefined)
      return refuse(
        "unknown-app",
        `no GitHub App has the slug "${req.appSlug}"; set the action's \`app-slug\` input to the labgate app's slug (its settings page, https://github.com/settings/apps/<slug>).`,
      );
    const other = records[0];
    return other
      ? refuse(
          "approval-by-other-app",
          `the approval record for PR #${pr} on ${checkName} at ${short} was written by ${other.check.app_slug ?? "an unknown author"}, not the labgate app "${req.appSlug}" (input \`app-slug\`): ignored. Set \`app-slug\` to the slug of the app that answers \`${command}\`, or comment \`${command}\` on the PR.`,
        )
      : refuse(
          "no-approval",
          req.phase === "pilot"
            ? `no ${checkName} check run at ${short} carries a standing pilot record of PR #${pr}: labgate runs a pilot only for a commit whose pilot was started with \`/run-pilot\` on the PR.`
            : `no ${checkName} check run at ${short} carries a standing approval of PR #${pr}: labgate runs the full phase only for a commit approved with \`/approve-phase8\` on the PR.`,
        );
  }
  const approval = trusted.record;
  if (approval.comment_id !== undefined) {
    const checked = await approvingComment(octokit, repo, approval, approval.comment_id);
    if (!checked.ok) return checked;
  }
  // The records this app wrote for the approval still open, a raised budget's among them.
  const budgetGpuHours = approvedBudget(
    openRecords(ours)
      .map((r) => r.record)
      .filter(plannable),
  );
  return { ok: true, head, approval, budgetGpuHours };
}

type Refusal = Extract<DispatchAuthorization, { ok: false }>;

/** At most this many distinct approving comments are checked behind Actions-mode records. */
const MAX_ACTIONS_RECORDS = 5;

/**
 * Actions mode: a `github-actions` record says nothing by who wrote it (a PR's own workflow writes
 * as github-actions too), so it counts only on evidence a PR cannot forge (docs/security.md, "The
 * dispatch plans only what was approved"):
 * 1. the `/approve-phase8` comment it names is on the PR, by the approver, unedited, and its
 *    author can write now (`approvingComment`, as for the app's records);
 * 2. the comment approves `sha`: it names it (`/approve-phase8 <sha>`, read by the app's own
 *    `parseCommands`), or it was written while `sha` was the PR's head (`branchHeadAt`: the
 *    repository activity API, GitHub's own timestamps);
 * 3. `approvers.require_other_approver` of the default branch's policy: not the PR's author; and
 *    no `/cancel` closed the approval since (`cancelledAfter`);
 * 4. every gate is green at `sha`, recomputed from the checkout with the default branch's policy
 *    and the gates workflow's runs (`recomputedGateProblems`, what the app's Actions-mode approval
 *    asks).
 * The first record that passes approves; otherwise the first record's refusal is the answer.
 */
async function actionsModeApproval(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  head: PullRequestHead,
  records: readonly ApprovalRecord[],
): Promise<DispatchAuthorization> {
  const short = req.sha.slice(0, 7);
  const how = (commit: string) =>
    req.phase === "pilot"
      ? `comment \`/run-pilot\` on PR #${req.pr} while ${commit} is its head (the labgate-app workflow records it)`
      : `approve with \`/approve-phase8 ${commit}\` on PR #${req.pr} (the labgate-app workflow records it)`;
  const seen = new Set<number>();
  const named = records.filter((r) => {
    if (r.comment_id === undefined || seen.has(r.comment_id)) return false;
    seen.add(r.comment_id);
    return true;
  });
  if (named.length === 0)
    return refuse(
      "approval-without-comment",
      `the approval record for PR #${req.pr} on ${recordCheckOf(req.phase)} at ${short} was written by github-actions (a workflow's GITHUB_TOKEN, which a PR's own workflow also holds) and names no approving comment, so nothing stands behind it: ignored. In Actions mode, ${how(req.sha)}; with the labgate GitHub App, set \`app-slug\` (now "${req.appSlug}") to its slug.`,
    );
  let policy: PolicyContext | undefined;
  let gates: GateProblem[] | undefined;
  let first: Refusal | undefined;
  for (const record of named.slice(0, MAX_ACTIONS_RECORDS)) {
    const checked = await approvingComment(octokit, repo, record, record.comment_id as number);
    if (!checked.ok) {
      first ??= checked;
      continue;
    }
    const { comment } = checked;
    const unbound =
      req.phase === "pilot"
        ? await startsPilotAtSha(octokit, repo, req, head, comment)
        : await approvesSha(octokit, repo, req, head, comment);
    if (unbound) {
      first ??= unbound;
      continue;
    }
    policy ??= await req.policy();
    if (!policy.ok)
      return refuse(
        "policy-config-invalid",
        `.github/labgate.yml on the default branch \`${policy.ref}\` is not valid, so labgate cannot check an Actions-mode approval against its policy:\n${policy.message}\nFix it on \`${policy.ref}\` and re-run this workflow.`,
      );
    if (
      policy.config.approvers.require_other_approver &&
      comment.author.toLowerCase() === head.author.toLowerCase()
    ) {
      first ??= refuse(
        "approver-is-author",
        `@${comment.author} opened PR #${req.pr} and wrote the approving comment ${comment.id}, but \`approvers.require_other_approver\` in .github/labgate.yml (\`${policy.ref}\`) asks for someone else: another writer must ${how(req.sha)}.`,
      );
      continue;
    }
    const cancelled = await cancelledAfter(octokit, repo, req, comment, policy.config);
    if (cancelled) {
      first ??= cancelled;
      continue;
    }
    gates ??= await recomputedGateProblems({
      octokit,
      repo,
      workspace: req.checkout,
      pr: req.pr,
      sha: req.sha,
      config: policy.config,
      defaultBranch: policy.ref,
      provider: req.provider,
    });
    // `/run-pilot` asks for green definitions and code review only (run-pilot.ts).
    const blocking =
      req.phase === "pilot" ? gates.filter((p) => PILOT_GATES.includes(p.gate)) : gates;
    if (blocking.length > 0) {
      // Only waiting for the dry-run: the same approval counts once the gates run has finished.
      const next = blocking.every((p) => p.code === "dry-run-pending")
        ? `Wait for the gates workflow's run of ${short} to finish, then re-run this workflow.`
        : `Fix them and push; then ${how("<new head>")}.`;
      return refuse(
        "gates-not-green",
        `the Actions-mode approval of PR #${req.pr} at ${short} (comment ${comment.id} by @${comment.author}) counts only when every gate is green at ${short}, recomputed here from the checkout and the gates workflow's runs (no check run by github-actions is believed); they are not:\n${blocking.map((p) => `- ${p.message}`).join("\n")}\n${next}`,
      );
    }
    const others = named.slice(0, MAX_ACTIONS_RECORDS).filter((r) => r !== record);
    const budgetGpuHours = await actionsModeBudget(
      octokit,
      repo,
      req,
      head,
      comment,
      others,
      policy.config,
    );
    return { ok: true, head, approval: record, budgetGpuHours };
  }
  return first as Refusal;
}

/**
 * Actions mode's budget: a record's `budget_gpu_hours` is as forgeable as the record, so only a
 * `budget=N` in a verified comment counts: the approving comment's, and that of any other record's
 * comment that passes the same checks (on the PR, by its author, unedited, by a writer, approving
 * `sha`: a raise written after a results commit moved the head names the SHA; not the PR's author
 * where the policy asks for another approver; no `/cancel` after it). The largest;
 * undefined when none gives one.
 */
async function actionsModeBudget(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  head: PullRequestHead,
  approving: IssueCommentInfo,
  others: readonly ApprovalRecord[],
  config: Config,
): Promise<number | undefined> {
  const requireOther = config.approvers.require_other_approver;
  const given = (c: IssueCommentInfo) =>
    parseCommands(c.body).find((cmd) => cmd.name === "approve-phase8")?.budget;
  const budgets = [given(approving)];
  for (const record of others) {
    if (record.comment_id === undefined || record.comment_id === approving.id) continue;
    const checked = await approvingComment(octokit, repo, record, record.comment_id);
    if (!checked.ok) continue;
    if (requireOther && checked.comment.author.toLowerCase() === head.author.toLowerCase())
      continue;
    if (await approvesSha(octokit, repo, req, head, checked.comment)) continue;
    // a `/cancel` after it closed that approval, and its budget with it
    if (await cancelledAfter(octokit, repo, req, checked.comment, config)) continue;
    budgets.push(given(checked.comment));
  }
  const set = budgets.filter((b): b is number => b !== undefined);
  return set.length === 0 ? undefined : Math.max(...set);
}

/**
 * Was the approval closed after its comment? The app's `/cancel` closes it with a newer record, but
 * a `github-actions` record is as forgeable as the approval, so the evidence is the comment: a
 * `/cancel` (read with `parseCommands`) written after the approving comment by someone the app's
 * `/cancel` obeys (write permission, or a user listed in `approvers.users`).
 */
async function cancelledAfter(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  approving: IssueCommentInfo,
  config: Config,
): Promise<Refusal | undefined> {
  const found = await cancelAfter(octokit, repo, req.pr, approving.createdAt, async (login) => {
    if (config.approvers.users.some((u) => u.toLowerCase() === login.toLowerCase())) return true;
    const role = await getCollaboratorRole(octokit, repo, login);
    return role.ok && canWrite(role.role);
  });
  if (found.kind === "unknown")
    return refuse(
      "approval-cancel-unknown",
      `PR #${req.pr} has more than ${MAX_LISTED_COMMENTS} comments since the approving comment ${approving.id}, more than labgate reads, so it cannot tell whether a \`/cancel\` closed the approval and refuses. Approve again with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
    );
  if (found.kind === "cancelled") {
    const c = found.comment;
    return refuse(
      "approval-cancelled",
      `@${c.author} cancelled the approval with \`/cancel\` (comment ${c.id}, at ${c.createdAt}) after the approving comment ${approving.id}; it dispatches nothing now. To run ${req.sha.slice(0, 7)}, approve again with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
    );
  }
  return undefined;
}

/**
 * Does the approving comment approve `sha`? It names it (`/approve-phase8 <sha>`, all 40 digits:
 * an abbreviated SHA pins no commit, docs/security.md), or it names none and the PR's branch
 * pointed at `sha` when it was written (`branchHeadAt`, as the app itself decides). A refusal
 * saying which evidence is missing, else undefined.
 */
async function approvesSha(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  head: PullRequestHead,
  comment: IssueCommentInfo,
): Promise<Refusal | undefined> {
  const short = req.sha.slice(0, 7);
  const command = parseCommands(comment.body).find((c) => c.name === "approve-phase8");
  if (!command)
    return refuse(
      "approval-comment-not-a-command",
      `the approving comment ${comment.id} by @${comment.author} gives no \`/approve-phase8\` command (a command counts only on a visible line of its own, not in code, a quote, an HTML comment or <details>). Approve with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
    );
  if (command.abbreviated !== undefined)
    return refuse(
      "approval-comment-abbreviated-sha",
      `the approving comment ${comment.id} by @${comment.author} names the abbreviated SHA \`${command.abbreviated}\`, which pins no commit (two commits sharing a short prefix are made in seconds); it approves nothing. Review ${short} and approve with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
    );
  if (command.sha !== undefined)
    return req.sha === command.sha
      ? undefined
      : refuse(
          "approval-comment-other-sha",
          `the approving comment ${comment.id} by @${comment.author} approves \`${command.sha}\`, not ${req.sha}; it approves nothing here. Review ${short} and approve with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
        );
  const then = await branchHeadAt(octokit, repo, head.ref, comment.createdAt);
  if (!then.ok)
    return refuse(
      "approval-head-unknown",
      `labgate cannot tell which commit the approving comment ${comment.id} by @${comment.author} approved: it names no SHA and ${then.message}. Approve with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}, naming the commit.`,
    );
  if (then.sha !== req.sha)
    return refuse(
      "approval-comment-other-head",
      `the approving comment ${comment.id} by @${comment.author} was written at ${comment.createdAt}, when the head of \`${head.ref}\` was ${then.sha}, not ${req.sha}: it approved another commit. Review ${short} and approve with \`/approve-phase8 ${req.sha}\` on PR #${req.pr}.`,
    );
  return undefined;
}

/** The gates a pilot needs green (`/run-pilot`, run-pilot.ts). */
const PILOT_GATES: readonly GateProblem["gate"][] = [
  CHECK_NAMES.definitions,
  CHECK_NAMES["code-review"],
];

/**
 * Actions mode, pilot: the comment a `/run-pilot` record names gives `/run-pilot` (read with the
 * app's `parseCommands`) and was written while `sha` was the PR's head (`branchHeadAt`), as the app
 * dispatches the head at the comment. A refusal saying which evidence is missing, else undefined.
 */
async function startsPilotAtSha(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  head: PullRequestHead,
  comment: IssueCommentInfo,
): Promise<Refusal | undefined> {
  if (!parseCommands(comment.body).some((c) => c.name === "run-pilot"))
    return refuse(
      "approval-comment-not-a-command",
      `the comment ${comment.id} by @${comment.author} that the pilot record names gives no \`/run-pilot\` command (a command counts only on a visible line of its own, not in code, a quote, an HTML comment or <details>). Comment \`/run-pilot\` on PR #${req.pr}.`,
    );
  const then = await branchHeadAt(octokit, repo, head.ref, comment.createdAt);
  if (!then.ok || then.sha !== req.sha)
    return refuse(
      then.ok ? "approval-comment-other-head" : "approval-head-unknown",
      `the \`/run-pilot\` comment ${comment.id} by @${comment.author} was written at ${comment.createdAt}, when the head of \`${head.ref}\` was ${then.ok ? then.sha : `unknown (${then.message})`}, not ${req.sha}: it started no pilot of ${req.sha}. Comment \`/run-pilot\` on PR #${req.pr} again.`,
    );
  return undefined;
}

/** The `/approve-phase8` comment a record names must still say what the approver wrote. */
async function approvingComment(
  octokit: OctokitLike,
  repo: RepoRef,
  approval: ApprovalRecord,
  id: number,
): Promise<{ ok: true; comment: IssueCommentInfo } | Refusal> {
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
      `@${comment.author}, who approved PR #${approval.pr}, ${role.ok ? `now has ${role.role} permission` : `could not be checked (${role.message})`}; an approval needs write, maintain or admin permission.`,
    );
  return { ok: true, comment };
}

/**
 * A later wave at a head past `sha`: undefined when every commit since `sha` is labgate's own
 * results commit (only the default branch's results and dispatch directories, committed by the
 * aggregate job's token and verified by GitHub: `resultsOnlyRange`, the rule the app carries an
 * approval by, docs/security.md) whose `Labgate-Run` trailer names a run of the default branch's
 * dispatch workflow for this PR and `sha` (`unboundResultsCommits`), else why not (appended to
 * the `head-moved` refusal). A results-only commit anyone else pushed (a forged
 * dispatch/state.json deciding what runs, forged results), or another workflow's token made,
 * refuses the wave. An API error other than a 404 throws: the plan fails, planning nothing.
 */
async function resultsOnlySince(
  octokit: OctokitLike,
  repo: RepoRef,
  req: DispatchRequest,
  head: PullRequestHead,
): Promise<string | undefined> {
  const policy = await req.policy();
  if (!policy.ok)
    return ` (wave ${req.wave}: .github/labgate.yml on \`${policy.ref}\` is not valid, so labgate cannot tell which commits are results)`;
  const range = await compareRange(octokit, repo, req.sha, head.sha);
  const verdict = resultsOnlyRange(range, [policy.config.results_dir, policy.config.dispatch_dir]);
  if (!verdict.ok) return ` (wave ${req.wave}: ${verdict.reason})`;
  if (!range.complete) return ` (wave ${req.wave}: ${range.why})`;
  // Any workflow's GITHUB_TOKEN makes a commit that passes the rule above, a PR's own workflow
  // included: each must name a run of the dispatch workflow for this PR and SHA (docs/security.md).
  const unbound = await unboundResultsCommits(octokit, repo, range.commits, {
    workflowPath: `.github/workflows/${policy.config.dispatch_workflow}`,
    defaultBranch: policy.ref,
    pr: req.pr,
    sha: req.sha,
  });
  return unbound.length === 0
    ? undefined
    : ` (wave ${req.wave}: a results commit counts only when its Labgate-Run trailer names a run of the dispatch workflow for PR #${req.pr} at ${req.sha.slice(0, 7)}, and ${unbound.length} do(es) not: ${unbound.slice(0, 5).join("; ")}${unbound.length > 5 ? "; …" : ""})`;
}

function refuse(code: DispatchRefusalCode, message: string): Refusal {
  return fail(code, message);
}
