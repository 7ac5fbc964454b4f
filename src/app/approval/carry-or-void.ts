import {
  type ComparedRange,
  type ResultsOnlyVerdict,
  resultsOnlyRange,
} from "../../core/approval/results-commits.js";
import { approvalRecordCheck, holds } from "../../github/check-run-protocol.js";
import { createCheckRun } from "../../github/check-runs.js";
import { compareRange, unboundResultsCommits } from "../../github/compare-commits.js";
import type { PolicyContext } from "../../operations/load-context.js";
import type { ApprovalView } from "../dashboard/dashboard-model.js";
import type { EventDeps } from "../event-deps.js";
import { latestApproval } from "./find-approval.js";

/**
 * After a push (`before` -> `after`): an approval recorded on `before` moves to `after` when every
 * commit pushed is labgate's own results commit (only results/dispatch files changed, committed by
 * the aggregate job's token and verified by GitHub: `resultsOnlyRange`, and naming a run of the
 * dispatch workflow for this PR and approved commit: `unboundResultsCommits`, docs/security.md), and is
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
  const range = await compareRange(deps.octokit, deps.repo, before, after);
  const verdict = await boundResultsOnly(deps, range, dirs, policy, pr, record.sha);

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

/**
 * `resultsOnlyRange`, and then each commit's `Labgate-Run` trailer names a run of the default
 * branch's dispatch workflow for this PR and approved commit (`unboundResultsCommits`): any
 * workflow's GITHUB_TOKEN makes a commit that passes the first, a PR's own workflow included
 * (docs/security.md). An API error other than a 404 throws, as a failed compare does: the push is
 * not judged, and the approval is not voided for GitHub's outage.
 */
async function boundResultsOnly(
  deps: EventDeps,
  range: ComparedRange,
  dirs: readonly string[],
  policy: PolicyContext,
  pr: number,
  approved: string,
): Promise<ResultsOnlyVerdict> {
  const verdict = resultsOnlyRange(range, dirs);
  if (!verdict.ok || !range.complete || range.commits.length === 0) return verdict;
  if (!policy.ok)
    return {
      ok: false,
      reason: `.github/labgate.yml on \`${policy.ref}\` is not valid, so labgate cannot tell which workflow commits results`,
    };
  const unbound = await unboundResultsCommits(deps.octokit, deps.repo, range.commits, {
    workflowPath: `.github/workflows/${policy.config.dispatch_workflow}`,
    defaultBranch: policy.ref,
    pr,
    sha: approved,
  });
  return unbound.length === 0
    ? verdict
    : {
        ok: false,
        reason: `a results commit counts only when its Labgate-Run trailer names a run of the dispatch workflow for PR #${pr} at \`${approved.slice(0, 7)}\`, and ${unbound.length} do(es) not: ${unbound.slice(0, 5).join("; ")}${unbound.length > 5 ? "; …" : ""}`,
      };
}
