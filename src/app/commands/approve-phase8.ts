import { messageOf } from "../../core/failure/failure.js";
import { branchHeadAt } from "../../github/branch-head-at.js";
import {
  type ApprovalRecord,
  approvalRecordCheck,
  CHECK_NAMES,
  encodeApproval,
  openRecords,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import { createCheckRun, listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import { MAX_LISTED_COMMENTS } from "../../github/issue-comment.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import {
  approvalBudgetAt,
  budgetLine,
  overBudget,
  overBudgetNote,
} from "../approval/approval-budget.js";
import { dispatchRunsFor } from "../approval/dispatch-runs-for.js";
import { approvalsIn, type FoundApproval } from "../approval/find-approval.js";
import { gateProblemsAt } from "../approval/gates-green.js";
import { classifyFailure } from "../inbox/work-failure.js";
import { authorize } from "./authorize.js";
import { cancelAfter } from "./cancel-after.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";
import { carriedApproval, raiseBudget } from "./raise-budget.js";

/**
 * `/approve-phase8 [sha]` (docs/approval.md). Refuses forks, closed PRs, users without write access
 * (failing closed), self-approval when configured, a head other than the one the approver saw, and
 * commits whose gates are not all green. Idempotent per (PR, head SHA, phase): the approval lives
 * in the `labgate/phase8` check run of that SHA, and after creating its own record the handler
 * looks again and lets only the oldest record dispatch, so a redelivery, a second comment or a
 * concurrent approval never starts a second dispatch. The record is `dispatching` until the
 * dispatch went out, so a replay after a crash between the two dispatches what was not.
 * The record carries the campaign's GPU-hour budget (docs/approval.md, "The budget"): the
 * definitions' or config's, or the approver's `budget=N`; a campaign estimated over it is refused
 * with the numbers. `budget=N` on an approval that stands raises its budget instead, and starts
 * again a wave the budget paused (raise-budget.ts).
 */
export async function approvePhase8(
  c: PrCommandContext,
  named?: string,
  abbreviated?: string,
  budget?: number,
): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  const sha = pr.headSha;
  const short = sha.slice(0, 7);
  if (pr.state !== "open") return refused(`Not approved: PR #${pr.number} is ${pr.state}.`);
  if (pr.fromFork)
    return refused(
      "Not approved: this PR comes from a fork, and labgate never dispatches fork code to self-hosted GPU runners. Push the branch to this repository and open the PR from there.",
    );
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok)
    return refused(
      budget === undefined
        ? `Not approved: ${auth.message}`
        : `Not approved, and the budget stays as it was: only an approver may give a budget (\`budget=${budget}\`), and ${auth.message}`,
    );
  if (config.approvers.require_other_approver && user.toLowerCase() === pr.author.toLowerCase())
    return refused(
      `Not approved: @${user} opened this PR, and \`approvers.require_other_approver\` in .github/labgate.yml asks for someone else to approve it.`,
    );
  const seen = await headTheApproverSaw(c, named, abbreviated);
  if (seen) return seen;

  const checks = await listCheckRuns(deps.octokit, deps.repo, sha);
  const standing = openRecords(
    approvalsIn(checks, deps.trust, pr.number).filter((a) => a.record.sha === sha),
  );
  const first = standing[0];
  if (budget !== undefined) {
    // A larger budget for the approval that stands on the head (carried there by a results
    // commit of an earlier wave, or of the head itself).
    const raising = first ? standing : carriedApproval(c, checks);
    const newest = raising.at(-1);
    if (newest && newest.record.state !== "dispatching")
      return raiseBudget(c, raising, budget, auth.via);
  }
  if (first && first.record.state !== "dispatching") return alreadyApproved(first.record);
  const problems = await gateProblemsAt(c, checks);
  if (problems.length > 0) {
    // The design debate's Skeptic rejects a campaign over its budget: say by how much.
    const debate = problems.some(
      (p) => p.gate === CHECK_NAMES["design-debate"] && p.code === "failed",
    );
    const costed = debate ? await approvalBudgetAt(c, sha, undefined) : undefined;
    const over = costed && overBudgetNote(costed);
    return refused(
      `Not approved: every gate must be green on the head commit \`${short}\` first.\n\n${problems.map((p) => `- ${p.message}`).join("\n")}${over ? `\n\n${over}` : ""}`,
    );
  }
  const cancelled = await cancelledSince(c);
  if (cancelled) {
    // A record left `dispatching` by an earlier try is closed too, so nothing completes it later.
    if (first)
      await updateCheckRun(deps.octokit, deps.repo, first.check.id, {
        status: "completed",
        conclusion: "cancelled",
        title: "Approval cancelled",
        summary: cancelled.reply ?? "",
        external_id: encodeApproval({ ...first.record, state: "cancelled" }),
      });
    return cancelled;
  }
  // Recorded, but the dispatch may not have happened: the process died in between, or GitHub's
  // answer to it was a 5xx. The replay (or a second approval) completes it.
  if (first) return completeDispatching(c, first);

  // Over budget: refused with the numbers, before anything is recorded (docs/approval.md).
  const costed = await approvalBudgetAt(c, sha, budget);
  const over = costed && overBudget(costed, sha);
  if (over) return refused(over);

  const record: ApprovalRecord = {
    v: 1,
    pr: pr.number,
    sha,
    phase: "full",
    by: user,
    at: deps.clock().toISOString(),
    state: "dispatching",
    comment_id: c.comment.id,
    ...(costed?.gpuHours === undefined
      ? {}
      : { budget_gpu_hours: costed.gpuHours, budget_from: costed.from }),
  };
  // Written before the dispatch, as `dispatching`: a process that dies between the two leaves a
  // record its replay completes, never an "approved" that nothing dispatched.
  const checkId = await createCheckRun(
    deps.octokit,
    deps.repo,
    {
      ...approvalRecordCheck(sha, record),
      status: "in_progress",
      title: `Approved by @${user} for ${short} — dispatching`,
      summary: approvalSummary(c, record, auth.via),
    },
    deps.clock(),
  );

  // Another approval may have been recorded between our look and our write (another server, a
  // concurrent delivery): the oldest record wins, the others stand down.
  const again = approvalsIn(
    await listCheckRuns(deps.octokit, deps.repo, sha, PHASE8_CHECK),
    deps.trust,
    pr.number,
  ).filter((a) => a.record.sha === sha);
  const winner = openRecords(again)[0];
  if (winner && winner.check.id !== checkId) {
    await updateCheckRun(deps.octokit, deps.repo, checkId, {
      status: "completed",
      conclusion: "skipped",
      title: "Duplicate approval",
      summary: `An earlier approval by @${winner.record.by} already dispatched \`${sha}\`.`,
      external_id: encodeApproval({ ...record, state: "cancelled" }),
    });
    return alreadyApproved(winner.record);
  }
  return dispatchApproved(c, checkId, record, auth.via);
}

/**
 * Completes a `dispatching` record: when labgate's dispatch run of (PR, SHA) is listed, the
 * dispatch happened and the record becomes `approved`; else it dispatches now. GitHub lists a run
 * a few seconds after accepting its dispatch, so a dispatch accepted moments before the process
 * died (or answered 5xx moments before the retry looks) can be started a second time; the inbox's
 * retries wait `LABGATE_RETRY_BASE_MS` (2 s) and more before looking, which keeps that window small.
 */
async function completeDispatching(
  c: PrCommandContext,
  found: FoundApproval,
): Promise<CommandOutcome> {
  const { record, check } = found;
  // No dispatch workflow on the default branch (404): then no run either, and the dispatch below
  // fails the record with how to fix it.
  const runs = await dispatchRunsFor(c, record.sha, record.phase).catch((err: unknown) => {
    if (httpStatus(err) === 404) return [];
    throw err;
  });
  const run = runs[0];
  if (!run) return dispatchApproved(c, check.id, record, undefined);
  await markDispatched(c, check.id, record, approvalSummary(c, record, undefined), run.html_url);
  return done(
    `Approved by @${record.by} for \`${record.sha.slice(0, 7)}\`: its dispatch had started ([run](${run.html_url})); labgate recorded it and starts no second one. \`labgate/phase8\` follows its progress.`,
    "rocket",
  );
}

/**
 * Dispatches the full phase of an approval recorded as `dispatching` (check run `checkId`), then
 * marks it `approved`. A dispatch GitHub refused (404, 422) marks it `dispatch-failed` and says
 * why; one whose outcome is unknown (5xx, rate limit, no answer) leaves it `dispatching` and
 * throws, so the inbox tries the work again and that try looks for the run before dispatching.
 */
async function dispatchApproved(
  c: PrCommandContext,
  checkId: number,
  record: ApprovalRecord,
  via: string | undefined,
): Promise<CommandOutcome> {
  const { deps, config } = c;
  const short = record.sha.slice(0, 7);
  const summary = approvalSummary(c, record, via);
  try {
    // The workflow runs from the default branch, the copy a PR cannot edit; the SHA is an input
    // its plan step verifies against this record (docs/security.md).
    await dispatchWorkflow(deps.octokit, deps.repo, config.dispatch_workflow, c.defaultBranch, {
      pr: record.pr,
      sha: record.sha,
      phase: record.phase,
    });
  } catch (err) {
    if (classifyFailure(err).transient) throw err;
    const status = httpStatus(err);
    const why =
      status === 404
        ? `the workflow \`${config.dispatch_workflow}\` was not found on the default branch \`${c.defaultBranch}\` (copy it from templates/workflows, or set \`dispatch_workflow\` in .github/labgate.yml)`
        : status === 422
          ? `GitHub refused the dispatch (HTTP 422): ${messageOf(err)}. Does \`${config.dispatch_workflow}\` declare \`workflow_dispatch\` inputs pr, sha and phase?`
          : status !== undefined
            ? `GitHub answered HTTP ${status}`
            : messageOf(err);
    await updateCheckRun(deps.octokit, deps.repo, checkId, {
      status: "completed",
      conclusion: "failure",
      title: "Approved, but the dispatch failed",
      summary: `${summary}\n\nThe dispatch failed: ${why}. Fix it and comment \`/approve-phase8\` again.`,
      external_id: encodeApproval({ ...record, state: "dispatch-failed" }),
    });
    return {
      reaction: "confused",
      reply: `Approved \`${short}\`, but the dispatch failed: ${why}.`,
    };
  }
  await markDispatched(c, checkId, record, summary);
  const who = via === undefined ? `@${record.by}` : `@${record.by} (${via})`;
  return done(
    `Approved by ${who} for \`${short}\`: every gate is green. Dispatched \`${config.dispatch_workflow}\` (phase full); \`labgate/phase8\` follows its progress. A push that changes code voids this approval; only labgate's own results commits keep it.`,
    "rocket",
  );
}

/** The record after its dispatch: `approved`, the check run still in progress until the run ends. */
async function markDispatched(
  c: PrCommandContext,
  checkId: number,
  record: ApprovalRecord,
  summary: string,
  runUrl?: string,
): Promise<void> {
  await updateCheckRun(
    c.deps.octokit,
    c.deps.repo,
    checkId,
    {
      status: "in_progress",
      title: `Approved by @${record.by} for ${record.sha.slice(0, 7)} — dispatched`,
      summary,
      external_id: encodeApproval({ ...record, state: "approved" }),
      ...(runUrl === undefined ? {} : { details_url: runUrl }),
    },
    c.deps.clock(),
  );
}

function approvalSummary(c: PrCommandContext, r: ApprovalRecord, via: string | undefined): string {
  const who = via === undefined ? `@${r.by}` : `@${r.by} (${via})`;
  return `Approved by ${who} at ${r.at} for \`${r.sha}\`.\n\nThe dispatch workflow \`${c.config.dispatch_workflow}\` of \`${c.defaultBranch}\` runs this commit and nothing else.\n\n${budgetLine(r)}`;
}

/**
 * The approval is of the head the approver saw (docs/approval.md): the commit they named, all 40 hex
 * digits, or else the one the PR's branch pointed at when the comment was written, from GitHub's
 * own record of pushes (`branchHeadAt`). Either must still be the head. An abbreviated SHA pins
 * nothing: two commits sharing a 7-digit prefix are found in about a second, so the head could be
 * swapped for the twin the approver never saw (docs/security.md). A refusal when not, else
 * undefined.
 */
async function headTheApproverSaw(
  c: PrCommandContext,
  named: string | undefined,
  abbreviated: string | undefined,
): Promise<CommandOutcome | undefined> {
  const { deps, pr } = c;
  const head = pr.headSha;
  if (abbreviated !== undefined)
    return refused(
      `Not approved: \`${abbreviated}\` is an abbreviated SHA, and it pins no commit: two commits sharing a 7-digit prefix are made in about a second, so the head could be swapped for a twin you never reviewed. Name the full 40-digit SHA: if \`${head}\` (the head now) is the commit you reviewed, comment \`/approve-phase8 ${head}\`.`,
    );
  if (named !== undefined)
    return head === named
      ? undefined
      : refused(
          `Not approved: you named \`${named}\`, but the head of this PR is \`${head}\`. Review the head and comment \`/approve-phase8 ${head}\` to approve it.`,
        );
  const then = await branchHeadAt(deps.octokit, deps.repo, pr.headRef, c.comment.createdAt);
  if (!then.ok)
    return refused(
      `Not approved: labgate cannot tell which commit you saw when you wrote this comment (${then.message}). Name it: comment \`/approve-phase8 ${head}\` if \`${head}\` is the commit you reviewed.`,
    );
  if (then.sha !== head)
    return refused(
      `Not approved: the head moved after your comment. When you wrote it (${c.comment.createdAt}) the head was \`${then.sha}\`; it is \`${head}\` now. Review the new commits and comment \`/approve-phase8\` again (or \`/approve-phase8 ${head}\`).`,
    );
  return undefined;
}

/**
 * Did someone who may cancel comment `/cancel` on the PR after the approving comment? The durable
 * inbox fetches missed deliveries back one by one, in no guaranteed order, so a `/cancel` written
 * after this approval may have been handled before it, when there was nothing yet to cancel: then
 * this approval dispatches nothing (`cancelAfter`, the check the plan step makes too). More
 * comments since than labgate reads: it cannot tell, and refuses. A refusal, else undefined.
 */
async function cancelledSince(c: PrCommandContext): Promise<CommandOutcome | undefined> {
  const { deps, pr, config } = c;
  const found = await cancelAfter(
    deps.octokit,
    deps.repo,
    pr.number,
    c.comment.createdAt,
    async (login) => (await authorize(deps, login, config.approvers)).ok,
  );
  if (found.kind === "none") return undefined;
  if (found.kind === "unknown")
    return refused(
      `Not approved: this PR has more than ${MAX_LISTED_COMMENTS} comments since your approval, more than labgate reads, so it cannot tell whether someone cancelled it with \`/cancel\`. Comment \`/approve-phase8 ${pr.headSha}\` again to approve.`,
    );
  const { author, id, createdAt } = found.comment;
  return refused(
    `Not approved: @${author} cancelled it with \`/cancel\` (comment ${id}, at ${createdAt}) after your approval, so labgate dispatches nothing. Comment \`/approve-phase8 ${pr.headSha}\` again to approve.`,
  );
}

function alreadyApproved(r: ApprovalRecord): CommandOutcome {
  return done(
    `Already approved by @${r.by} at ${r.at} for \`${r.sha.slice(0, 7)}\`; that dispatch stands, so labgate starts no second one.`,
    "eyes",
  );
}
