import { type BudgetPause, budgetNeeded, gpuHoursText } from "../../core/budget/budget-pause.js";
import {
  type ApprovalRecord,
  approvalRecordCheck,
  encodeApproval,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import { createCheckRun, listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import type { EventDeps } from "../event-deps.js";
import { budgetLine } from "./approval-budget.js";
import { approvalsIn } from "./find-approval.js";

/**
 * The line asking for a larger budget, for the dashboard and `labgate/phase8`, when `r` says the
 * chain of waves paused for the budget (docs/approval.md, "The budget"); else undefined.
 */
export function budgetPausedLine(r: ApprovalRecord | undefined): string | undefined {
  const p = r?.paused;
  if (!p) return undefined;
  return `⏸️ **Paused for the GPU-hour budget before wave ${p.wave}:** ${gpuHoursText(p.measured_gpu_hours)} GPU-hours measured so far + ${gpuHoursText(p.wave_gpu_hours)} estimated for wave ${p.wave} = ${gpuHoursText(p.measured_gpu_hours + p.wave_gpu_hours)}, over the approved budget of ${gpuHoursText(p.budget_gpu_hours)}. An approver comments \`/approve-phase8 budget=${budgetNeeded(p)}\` (or more) to give the campaign a larger budget, which starts wave ${p.wave}.`;
}

/**
 * The dispatch run of wave `pause.wave` stopped at its plan step for the budget: the approval stays
 * open, `paused` on each of its standing records (the approved commit's and the head's), until an
 * approver gives a larger budget (raise-budget.ts), which starts the wave again.
 */
export async function pausePhase8(
  deps: EventDeps,
  record: ApprovalRecord,
  pause: BudgetPause,
  run: { runUrl: string },
  headSha: string,
): Promise<void> {
  for (const sha of new Set([record.sha, headSha])) {
    const onSha = approvalsIn(
      await listCheckRuns(deps.octokit, deps.repo, sha, PHASE8_CHECK),
      deps.trust,
      record.pr,
    );
    const open = onSha.filter(
      (a) =>
        a.record.sha === record.sha &&
        (a.record.state === "approved" || a.record.state === "dispatching"),
    );
    const output = (r: ApprovalRecord) => {
      const paused: ApprovalRecord = { ...r, state: "approved", paused: pause };
      return {
        status: "in_progress" as const,
        title: `Paused before wave ${pause.wave}: the GPU-hour budget does not cover it`,
        summary: `${budgetPausedLine(paused)}\n\nThe waves before it ran and their results are committed on the PR ([the paused run](${run.runUrl})).\n\n${budgetLine(r)}`,
        external_id: encodeApproval(paused),
        details_url: run.runUrl,
      };
    };
    for (const a of open)
      await updateCheckRun(deps.octokit, deps.repo, a.check.id, output(a.record), deps.clock());
    if (onSha.length === 0 && sha !== record.sha)
      await createCheckRun(
        deps.octokit,
        deps.repo,
        { ...approvalRecordCheck(sha, { ...record, paused: pause }), ...output(record) },
        deps.clock(),
      );
  }
}
