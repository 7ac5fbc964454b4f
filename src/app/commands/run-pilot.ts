import {
  type ApprovalRecord,
  approvalRecordCheck,
  CHECK_NAMES,
  encodeApproval,
} from "../../github/check-run-protocol.js";
import { createCheckRun, listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import { dispatchRunTitle } from "../approval/dispatch-run-title.js";
import { gateProblemsAt } from "../approval/gates-green.js";
import { classifyFailure } from "../inbox/work-failure.js";
import { authorize } from "./authorize.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/**
 * `/run-pilot [stage]`: dispatches the pilot phase of the head commit once definitions and code
 * review are green (README.md). Without a stage the runner goes stage by stage; with one, only that
 * stage runs, and the dispatch carries a `stage` input. A pilot runs the PR's code on the
 * self-hosted runners as the full phase does, so it is approved as that is: a writer (and, where
 * `approvers.require_other_approver` asks, not the PR's author) starts it, and before the dispatch
 * labgate writes its record (`phase: "pilot"`) on a `labgate/pilot-dispatch` check run of the head,
 * which the dispatch workflow's plan step requires (docs/security.md, "The dispatch plans only
 * what was approved"). Each `/run-pilot` writes its own record and dispatches once: a pilot is
 * re-run by design (`/run-pilot` again after ITERATE).
 */
export async function runPilot(c: PrCommandContext, stage?: number): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  if (pr.state !== "open") return refused(`Pilot not started: PR #${pr.number} is ${pr.state}.`);
  if (pr.fromFork)
    return refused("Pilot not started: labgate never runs fork code on self-hosted GPU runners.");
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok) return refused(`Pilot not started: ${auth.message}`);
  if (config.approvers.require_other_approver && user.toLowerCase() === pr.author.toLowerCase())
    return refused(
      `Pilot not started: @${user} opened this PR, and \`approvers.require_other_approver\` in .github/labgate.yml asks for someone else to start its pilot (a pilot runs the PR's code on the GPU runners, as \`/approve-phase8\` does).`,
    );
  const checks = await listCheckRuns(deps.octokit, deps.repo, pr.headSha);
  const problems = (await gateProblemsAt(c, checks)).filter(
    (p) => p.gate === CHECK_NAMES.definitions || p.gate === CHECK_NAMES["code-review"],
  );
  if (problems.length > 0)
    return refused(
      `Pilot not started: definitions and code review must be green on \`${pr.headSha.slice(0, 7)}\`.\n\n${problems.map((p) => `- ${p.message}`).join("\n")}`,
    );
  const record: ApprovalRecord = {
    v: 1,
    pr: pr.number,
    sha: pr.headSha,
    phase: "pilot",
    ...(stage === undefined ? {} : { stage }),
    by: user,
    at: deps.clock().toISOString(),
    state: "dispatching",
    comment_id: c.comment.id,
  };
  const short = pr.headSha.slice(0, 7);
  const which =
    stage === undefined ? "stage by stage (2 only if 1 passes, then 3)" : `stage ${stage}`;
  const summary = `Pilot (${which}) started by @${user} at ${record.at} for \`${pr.headSha}\` with \`/run-pilot\`.\n\nThe dispatch workflow \`${config.dispatch_workflow}\` of \`${c.defaultBranch}\` plans a pilot of this commit only on this record; \`labgate/pilot\` shows the results.`;
  // Written before the dispatch, as `dispatching`: the plan step may start before the answer.
  const checkId = await createCheckRun(
    deps.octokit,
    deps.repo,
    {
      ...approvalRecordCheck(pr.headSha, record),
      status: "in_progress",
      title: `Pilot started by @${user} for ${short} — dispatching`,
      summary,
    },
    deps.clock(),
  );
  try {
    // From the default branch's copy of the workflow, with the SHA as input (docs/security.md).
    await dispatchWorkflow(deps.octokit, deps.repo, config.dispatch_workflow, c.defaultBranch, {
      pr: pr.number,
      sha: pr.headSha,
      phase: "pilot",
      ...(stage === undefined ? {} : { stage }),
    });
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    // The dispatch is sent once (workflow-dispatch.ts): after a 5xx or a rate limit GitHub may have
    // started it anyway, so the record stays `dispatching` (its plan step may run) and the reply
    // says so.
    if (classifyFailure(err).transient)
      return {
        reaction: "confused",
        reply: `Pilot dispatch unconfirmed: GitHub answered HTTP ${status} to the dispatch of \`${config.dispatch_workflow}\`, which it may have started anyway. Look for a run titled \`${dispatchRunTitle({ pr: pr.number, sha: pr.headSha, phase: "pilot" })}\` in the Actions tab in a minute; comment \`/run-pilot\` again only if there is none.`,
      };
    await updateCheckRun(
      deps.octokit,
      deps.repo,
      checkId,
      {
        status: "completed",
        conclusion: "failure",
        title: "Pilot not started: the dispatch failed",
        summary: `${summary}\n\nDispatching \`${config.dispatch_workflow}\` failed with HTTP ${status}. Fix it and comment \`/run-pilot\` again.`,
        external_id: encodeApproval({ ...record, state: "dispatch-failed" }),
      },
      deps.clock(),
    );
    return {
      reaction: "confused",
      reply: `Pilot not started: dispatching \`${config.dispatch_workflow}\` failed with HTTP ${status}.`,
    };
  }
  // Completed (`neutral`: it says nothing of the results) but standing: the record stays `approved`
  // for the plan step, which may start after this.
  await updateCheckRun(
    deps.octokit,
    deps.repo,
    checkId,
    {
      status: "completed",
      conclusion: "neutral",
      title: `Pilot started by @${user} for ${short} — dispatched`,
      summary,
      external_id: encodeApproval({ ...record, state: "approved" }),
    },
    deps.clock(),
  );
  return done(
    `Pilot dispatched for \`${short}\`, ${which}; \`labgate/pilot\` shows the results when they are committed.`,
    "rocket",
  );
}
