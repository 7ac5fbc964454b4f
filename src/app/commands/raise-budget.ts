import { type BudgetPause, budgetNeeded, gpuHoursText } from "../../core/budget/budget-pause.js";
import { messageOf } from "../../core/failure/failure.js";
import {
  type ApprovalRecord,
  approvalRecordCheck,
  approvedBudget,
  encodeApproval,
  holds,
  openRecords,
} from "../../github/check-run-protocol.js";
import { type CheckRunInfo, createCheckRun, updateCheckRun } from "../../github/check-runs.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import { budgetLine } from "../approval/approval-budget.js";
import { dispatchRunsFor } from "../approval/dispatch-runs-for.js";
import { approvalsIn, type FoundApproval } from "../approval/find-approval.js";
import { classifyFailure } from "../inbox/work-failure.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/**
 * The open records of an approval carried onto the PR's head (a results commit of an earlier
 * wave: carry-or-void.ts): the newest record there holds and approves an earlier commit. Empty
 * when there is none.
 */
export function carriedApproval(
  c: PrCommandContext,
  checks: readonly CheckRunInfo[],
): FoundApproval[] {
  const onHead = approvalsIn(checks, c.deps.trust, c.pr.number);
  const newest = onHead.at(-1);
  if (!newest || !holds(newest.record) || newest.record.sha === c.pr.headSha) return [];
  return openRecords(onHead.filter((a) => a.record.sha === newest.record.sha));
}

/**
 * `/approve-phase8 budget=N` on an approval that stands (docs/approval.md, "The budget"): a new
 * record of the same approval with the larger budget, written on the head; the largest budget of
 * an approval's records is the one the plan step holds each wave to (`approvedBudget`). When the
 * chain of waves paused because the budget did not cover a wave (the newest record's `paused`),
 * that wave is dispatched again, once the budget covers it, and the record's pause is cleared.
 * `records`: the approval's open records, oldest first, the newest not `dispatching`.
 */
export async function raiseBudget(
  c: PrCommandContext,
  records: readonly FoundApproval[],
  budget: number,
  via: string,
): Promise<CommandOutcome> {
  const { deps } = c;
  const newest = records.at(-1) as FoundApproval;
  const r = newest.record;
  const short = r.sha.slice(0, 7);
  if (r.state === "completed")
    return refused(
      `Not changed: the approval of \`${short}\` by @${r.by} has run to its end, so a budget changes nothing now. To run again, push a new commit and approve it.`,
    );
  const pause = r.paused;
  if (pause && budget < budgetNeeded(pause))
    return refused(
      `Not changed: \`budget=${gpuHoursText(budget)}\` does not cover wave ${pause.wave} either: ${pauseNumbers(pause)}. Comment \`/approve-phase8 budget=${budgetNeeded(pause)}\` (or more) to start it.`,
    );
  const current = approvedBudget(records.map((f) => f.record));
  let holder = newest;
  if (current === undefined || budget > current) {
    const raised: ApprovalRecord = {
      v: 1,
      pr: r.pr,
      sha: r.sha,
      phase: r.phase,
      by: c.user,
      at: deps.clock().toISOString(),
      state: "approved",
      comment_id: c.comment.id,
      budget_gpu_hours: budget,
      budget_from: "approver",
      // Cleared once the paused wave is dispatched: a retry after a crash in between resumes it.
      ...(pause ? { paused: pause } : {}),
    };
    const id = await createCheckRun(
      deps.octokit,
      deps.repo,
      {
        ...approvalRecordCheck(c.pr.headSha, raised),
        status: "in_progress",
        title: `Budget raised to ${gpuHoursText(budget)} GPU-hours by @${c.user} for ${short}`,
        summary: `@${c.user} (${via}) raised the GPU-hour budget of the approval by @${r.by} of \`${r.sha}\` at ${raised.at}${
          current === undefined ? "" : `, from ${gpuHoursText(current)} GPU-hours`
        }.\n\n${budgetLine(raised)}`,
      },
      deps.clock(),
    );
    holder = { record: raised, check: { ...newest.check, id } };
  } else if (!pause)
    return done(
      `The approval of \`${short}\` already allows ${gpuHoursText(current)} GPU-hours; \`budget=${gpuHoursText(budget)}\` changes nothing.`,
      "eyes",
    );
  const allowed = Math.max(current ?? 0, budget);
  if (!pause)
    return done(
      `Budget raised: the approval of \`${short}\` by @${r.by} now allows ${gpuHoursText(allowed)} GPU-hours (given by @${c.user}, ${via}); every wave still to come is held to it.`,
    );
  return resumeWave(c, holder, pause, allowed);
}

/** Dispatches the paused wave again, then clears the pause on `holder`'s record. */
async function resumeWave(
  c: PrCommandContext,
  holder: FoundApproval,
  pause: BudgetPause,
  allowed: number,
): Promise<CommandOutcome> {
  const { deps, config } = c;
  const r = holder.record;
  const short = r.sha.slice(0, 7);
  const unpause = (summary: string) =>
    updateCheckRun(
      deps.octokit,
      deps.repo,
      holder.check.id,
      {
        status: "in_progress",
        title: `Approved by @${r.by} for ${short} — wave ${pause.wave} dispatched`,
        summary,
        external_id: encodeApproval(withoutPause(r)),
      },
      deps.clock(),
    );
  // A run of this approval still going (the wave re-run by hand, or a dispatch this command made
  // before a crash): it plans with the larger budget; nothing more to start.
  const running = (await dispatchRunsFor(c, r.sha, r.phase)).find(
    (run) => run.status !== "completed",
  );
  if (running) {
    await unpause(
      `${budgetLine(r)}\n\nWave ${running.target.wave ?? 1} is running: ${running.html_url}`,
    );
    return done(
      `Budget of \`${short}\` is now ${gpuHoursText(allowed)} GPU-hours. A run of it is already going ([run](${running.html_url})), and it plans with the new budget.`,
    );
  }
  try {
    await dispatchWorkflow(deps.octokit, deps.repo, config.dispatch_workflow, c.defaultBranch, {
      pr: r.pr,
      sha: r.sha,
      phase: r.phase,
      wave: String(pause.wave),
    });
  } catch (err) {
    // Unknown outcome: the inbox tries again, and the record still says paused.
    if (classifyFailure(err).transient) throw err;
    const status = httpStatus(err);
    return {
      reaction: "confused",
      reply: `Budget of \`${short}\` is now ${gpuHoursText(allowed)} GPU-hours, but starting wave ${pause.wave} again failed (${
        status === undefined ? messageOf(err) : `GitHub answered HTTP ${status}`
      }). Fix it and comment \`/approve-phase8 budget=${gpuHoursText(allowed)}\` again.`,
    };
  }
  await unpause(
    `${budgetLine(r)}\n\nWave ${pause.wave} was dispatched again after the budget was raised.`,
  );
  return done(
    `Budget of \`${short}\` is now ${gpuHoursText(allowed)} GPU-hours (given by @${c.user}): it covers wave ${pause.wave} (${pauseNumbers(pause)}), so labgate dispatched wave ${pause.wave} again. \`labgate/phase8\` follows its progress.`,
    "rocket",
  );
}

function pauseNumbers(p: BudgetPause): string {
  return `${gpuHoursText(p.measured_gpu_hours)} GPU-hours measured so far + ${gpuHoursText(p.wave_gpu_hours)} estimated for wave ${p.wave} = ${gpuHoursText(p.measured_gpu_hours + p.wave_gpu_hours)}`;
}

function withoutPause(r: ApprovalRecord): ApprovalRecord {
  const { paused: _paused, ...rest } = r;
  return rest;
}
