import { laterDispatchRun } from "../../app/approval/later-dispatch-run.js";
import { messageOf } from "../../core/failure/failure.js";
import type { OctokitLike } from "../../github/octokit.js";
import { httpStatus, type RepoRef } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import type { DispatchAuthorization, DispatchRefusalCode } from "./authorize-dispatch.js";

export interface NextWave {
  pr: number;
  sha: string;
  phase: "pilot" | "full";
  stage?: number | undefined;
  /** The wave to start: the one after the wave whose results were just committed. */
  wave: number;
  /** The default branch's `dispatch_workflow` (the file name under .github/workflows/). */
  workflow: string;
  /** The default branch: the dispatch workflow always runs its copy there. */
  ref: string;
  /** This workflow run's id: a later run for the same PR, SHA and phase is the wave, started. */
  runId: number;
}

export type NextWaveResult =
  | { ok: true; started: "now" | "before"; runUrl?: string }
  /** The approval is no longer open (`/cancel`, say): the chain stops there, as asked. */
  | { ok: true; started: "stopped"; message: string }
  | { ok: false; message: string };

/**
 * Refusals of the approval check that mean the campaign was stopped on purpose (`/cancel`, or the
 * approval closed or completed), not that anything is wrong: a later wave stops quietly on them.
 */
export const CHAIN_STOPPED: ReadonlySet<DispatchRefusalCode> = new Set<DispatchRefusalCode>([
  "approval-closed",
  "approval-cancelled",
  "approval-completed",
]);

/**
 * Starts the next wave of a campaign (docs/runners.md, "Waves"): the dispatch workflow on the
 * default branch, by `workflow_dispatch`, with the same PR, approved SHA, phase and stage and
 * `wave` one more, only while the approval still holds for that wave (`authorize`, the check its
 * plan step makes again, authorize-dispatch.ts): after a `/cancel` or a code push since the
 * approval nothing is started (a `/cancel` that lands after this check is caught by the next
 * wave's plan step, which then plans nothing). Sent once, never retried (a dispatch
 * GitHub answered 5xx may have started anyway: see dispatchWorkflow); and not at all when a run
 * of the dispatch workflow for the same PR, SHA, phase and this wave started after this one (a
 * re-run of the aggregate job whose first attempt started the wave already).
 */
export async function dispatchNextWave(
  octokit: OctokitLike,
  repo: RepoRef,
  next: NextWave,
  authorize: () => Promise<DispatchAuthorization>,
): Promise<NextWaveResult> {
  const where = `\`${next.workflow}\` on \`${next.ref}\``;
  let step = `listing the runs of ${where}`;
  try {
    const before = await laterDispatchRun(
      octokit,
      repo,
      next.workflow,
      next.ref,
      { pr: next.pr, sha: next.sha, phase: next.phase, wave: next.wave },
      next.runId,
    );
    if (before) return { ok: true, started: "before", runUrl: before.html_url };
    step = `checking the approval of PR #${next.pr} at ${next.sha.slice(0, 7)} for wave ${next.wave}`;
    const approval = await authorize();
    if (!approval.ok)
      return CHAIN_STOPPED.has(approval.code)
        ? { ok: true, started: "stopped", message: approval.message }
        : { ok: false, message: `wave ${next.wave} was not started: ${approval.message}` };
    step = `starting wave ${next.wave} (${where})`;
    await dispatchWorkflow(octokit, repo, next.workflow, next.ref, {
      pr: next.pr,
      sha: next.sha,
      phase: next.phase,
      ...(next.stage !== undefined ? { stage: String(next.stage) } : {}),
      wave: String(next.wave),
    });
    return { ok: true, started: "now" };
  } catch (err) {
    const status = httpStatus(err);
    const why =
      status === 403
        ? `GitHub answered 403: the aggregate job needs ${step.startsWith("checking") ? "`checks: read` (the approval records)" : "`actions: write`"} in the dispatch workflow (templates/workflows/labgate-dispatch.yml)`
        : status === 404 || status === 422
          ? `GitHub answered ${status}: ${where} is missing or has no \`wave\` input`
          : status !== undefined
            ? `GitHub answered ${status}; it may have started the wave anyway`
            : messageOf(err);
    return { ok: false, message: `${step} failed: ${why}.` };
  }
}
