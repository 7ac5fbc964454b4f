import { changedFiles } from "../../github/changed-files.js";
import { approvalRecordCheck, holds } from "../../github/check-run-protocol.js";
import { createCheckRun } from "../../github/check-runs.js";
import type { PolicyContext } from "../../operations/load-context.js";
import type { ApprovalView } from "../dashboard/dashboard-model.js";
import type { EventDeps } from "../event-deps.js";
import { latestApproval } from "./find-approval.js";
import { outsideResultPaths } from "./results-only.js";

/**
 * After a push (`before` -> `after`): an approval recorded on `before` moves to `after` when only
 * results/dispatch files changed, and is voided otherwise. The result/dispatch paths come from the
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
  const files = await changedFiles(deps.octokit, deps.repo, before, after);
  const outside = files === undefined ? undefined : outsideResultPaths(files, dirs);

  if (outside === undefined || outside.length > 0) {
    const reason =
      outside === undefined
        ? `labgate could not list the changes between \`${before.slice(0, 7)}\` and \`${after.slice(0, 7)}\` (force-push or a very large push), so it treats them as code changes.`
        : `\`${after.slice(0, 7)}\` changes ${outside.length} file(s) outside the results and dispatch paths: ${outside
            .slice(0, 10)
            .map((f) => `\`${f}\``)
            .join(", ")}${outside.length > 10 ? ", …" : ""}.`;
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
      "Approval voided by a code change",
      `${lost}: ${reason}\n\nReview the new commits and comment \`/approve-phase8\` again to dispatch them.`,
    );
    // The approved commit (and `before`, where the record was carried to it) gets the `voided`
    // record too: its newest record decides (latestApproval, the plan step), so a force-push back
    // to it finds the approval voided rather than standing (docs/security.md).
    for (const sha of new Set([record.sha, before]))
      if (sha !== after)
        await voidOn(
          sha,
          "Approval voided by a later code change",
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
      summary: `Approved by @${record.by} at ${record.at} for \`${record.sha}\`. \`${after.slice(0, 7)}\` only changes results or dispatch files, so the approval still holds.`,
    },
    deps.clock(),
  );
  return record.state === "completed"
    ? { kind: "completed", by: record.by, sha: record.sha, conclusion: "success" }
    : { kind: "approved", by: record.by, at: record.at, sha: record.sha };
}
