import { resultsOnlyRange } from "../../core/approval/results-commits.js";
import { approvalRecordCheck, holds } from "../../github/check-run-protocol.js";
import { createCheckRun } from "../../github/check-runs.js";
import { compareRange } from "../../github/compare-commits.js";
import type { PolicyContext } from "../../operations/load-context.js";
import type { ApprovalView } from "../dashboard/dashboard-model.js";
import type { EventDeps } from "../event-deps.js";
import { latestApproval } from "./find-approval.js";

/**
 * After a push (`before` -> `after`): an approval recorded on `before` moves to `after` when every
 * commit pushed is labgate's own results commit (only results/dispatch files changed, committed by
 * the aggregate job's token and verified by GitHub: `resultsOnlyRange`, docs/security.md), and is
 * voided otherwise: a results-only commit anyone else pushed (forged results or a forged
 * dispatch state) voids it like a code change. The result/dispatch paths come from the
 * default branch's config (`policy`: `loadContext`, read once by the review of the push), so
 * neither the push nor the PR can widen them; an invalid config there protects no path (every
 * change voids).
 */
export async function carryOrVoidApproval(
  deps: EventDeps,
  pr: number,
  before: string,
  after: string,
  policy: PolicyContext,
): Promise<ApprovalView> {
  const found = await latestApproval(deps, before, pr);
  if (!found || !holds(found.record)) return { kind: "none" };
  const { record } = found;

  const dirs = policy.ok ? [policy.config.results_dir, policy.config.dispatch_dir] : [];
  const verdict = resultsOnlyRange(
    await compareRange(deps.octokit, deps.repo, before, after),
    dirs,
  );

  if (!verdict.ok) {
    const reason = `\`${after.slice(0, 7)}\` is not only labgate's results: ${verdict.reason}.`;
    const voided = { ...record, state: "voided" as const };
    const voidOn = (sha: string, title: string, summary: string) =>
      createCheckRun(
        deps.octokit,
        deps.repo,
        {
          ...approvalRecordCheck(sha, voided),
          status: "completed",
          conclusion: "neutral",
          title,
          summary,
        },
        deps.clock(),
      );
    const lost = `The approval by @${record.by} for \`${record.sha}\` no longer holds`;
    await voidOn(
      after,
      "Approval voided by a new commit",
      `${lost}: ${reason}\n\nReview the new commits and comment \`/approve-phase8\` again to dispatch them.`,
    );
    // The approved commit (and `before`, where the record was carried to it) gets the `voided`
    // record too: its newest record decides (latestApproval, the plan step), so a force-push back
    // to it finds the approval voided rather than standing (docs/security.md).
    for (const sha of new Set([record.sha, before]))
      if (sha !== after)
        await voidOn(
          sha,
          "Approval voided by a later commit",
          `${lost}: the branch moved on to \`${after.slice(0, 7)}\`, and ${reason}\n\nIt stays voided if the branch is pushed back to this commit: comment \`/approve-phase8 <full SHA>\` again to dispatch it.`,
        );
    return { kind: "voided", by: record.by, sha: record.sha, reason };
  }

  await createCheckRun(
    deps.octokit,
    deps.repo,
    {
      ...approvalRecordCheck(after, record),
      status: record.state === "completed" ? "completed" : "in_progress",
      ...(record.state === "completed" ? { conclusion: "success" as const } : {}),
      title: `Approved by @${record.by} for ${record.sha.slice(0, 7)}`,
      summary: `Approved by @${record.by} at ${record.at} for \`${record.sha}\`. \`${after.slice(0, 7)}\` only adds labgate's own results commits (results and dispatch files, committed by the dispatch workflow and verified by GitHub), so the approval still holds.`,
    },
    deps.clock(),
  );
  return record.state === "completed"
    ? { kind: "completed", by: record.by, sha: record.sha, conclusion: "success" }
    : { kind: "approved", by: record.by, at: record.at, sha: record.sha };
}
