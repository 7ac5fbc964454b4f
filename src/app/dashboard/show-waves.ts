import { type ApprovalRecord, PHASE8_CHECK } from "../../github/check-run-protocol.js";
import { listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { getPullRequest } from "../../github/get-pull-request.js";
import { findMarkedComment } from "../../github/sticky-comment.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import type { LabgateContext } from "../../operations/load-context.js";
import type { Workspace } from "../../operations/workspace.js";
import { approvalsIn } from "../approval/find-approval.js";
import { budgetPausedLine } from "../approval/pause-phase8.js";
import type { EventDeps } from "../event-deps.js";
import type { ApprovalView } from "./dashboard-model.js";
import { dashboardWaves } from "./dashboard-waves.js";
import { DASHBOARD_MARKER, withDashboardWaves } from "./render-dashboard.js";
import { renderWaves, type WavesProgress } from "./render-waves.js";

/**
 * The waves of the campaign an approval record approved, planned from the definitions in `ws` (the
 * approved commit, or a results commit on it) under the default branch's policy; undefined for a campaign of one wave or definitions
 * that do not load (the definitions gate says why). A failed read throws: the caller's piece of
 * work is tried again.
 */
export async function wavesOfApproval(
  deps: EventDeps,
  ws: Workspace,
  record: ApprovalRecord,
  view: ApprovalView,
  policy: LabgateContext<string>,
): Promise<WavesProgress | undefined> {
  if (record.phase !== "full") return undefined;
  const campaign = await loadCampaign(ws, { config: { ok: true, config: policy.config } });
  if (!campaign.loaded) return undefined;
  return dashboardWaves(
    deps,
    { config: policy.config, defaultBranch: policy.ref },
    record.pr,
    campaign.loaded.experiments,
    view,
  );
}

/**
 * A `labgate/phase8` summary with the waves as its last section (an earlier one replaced); the
 * summary as it is without waves (a campaign of one wave).
 */
export function withWavesSection(summary: string, waves: WavesProgress | undefined): string {
  if (!waves) return summary;
  const at = summary.search(/(^|\n)### Waves\n/);
  const before = (at === -1 ? summary : summary.slice(0, at)).trimEnd();
  const section = renderWaves(waves).join("\n");
  return before === "" ? section : `${before}\n\n${section}`;
}

/**
 * A wave's dispatch run completed and the next wave runs (docs/runners.md, "Waves"): the open
 * `labgate/phase8` check runs of the approval (the approved commit's and the PR head's) show the
 * waves at the end of their summary, and the dashboard's waves section is refreshed. Each check
 * run keeps its record (`external_id`), status and title: only the summary changes.
 */
export async function showWaves(
  deps: EventDeps,
  record: ApprovalRecord,
  policy: LabgateContext<string>,
): Promise<void> {
  const line = budgetPausedLine(record);
  const view: ApprovalView = {
    kind: "approved",
    by: record.by,
    at: record.at,
    sha: record.sha,
    ...(record.paused && line ? { paused: { wave: record.paused.wave, line } } : {}),
  };
  const ws = contentsWorkspace(deps.octokit, deps.repo, record.sha);
  const waves = await wavesOfApproval(deps, ws, record, view, policy);
  if (!waves) return;
  const pr = await getPullRequest(deps.octokit, deps.repo, record.pr);
  for (const sha of new Set([record.sha, pr.headSha])) {
    const open = approvalsIn(
      await listCheckRuns(deps.octokit, deps.repo, sha, PHASE8_CHECK),
      deps.trust,
      record.pr,
    ).filter(
      (a) =>
        a.record.sha === record.sha &&
        (a.record.state === "approved" || a.record.state === "dispatching"),
    );
    for (const { check } of open)
      await updateCheckRun(
        deps.octokit,
        deps.repo,
        check.id,
        {
          status: "in_progress",
          title: check.title ?? "Approved",
          summary: withWavesSection(check.summary ?? "", waves),
          ...(check.external_id === null ? {} : { external_id: check.external_id }),
        },
        deps.clock(),
      );
  }
  const dashboard = await findMarkedComment(deps.octokit, deps.repo, record.pr, DASHBOARD_MARKER);
  const body = dashboard && withDashboardWaves(dashboard.body, waves);
  if (dashboard && body !== undefined && body !== dashboard.body)
    await deps.octokit.rest.issues.updateComment({
      ...deps.repo,
      comment_id: dashboard.id,
      body,
    });
}
