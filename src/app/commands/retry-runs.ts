import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import { holds } from "../../github/check-run-protocol.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { httpStatus } from "../../github/repo-ref.js";
import { listWorkflowRuns, rerunFailedJobs, rerunJob } from "../../github/workflow-runs.js";
import { latestApproval } from "../approval/find-approval.js";
import { authorize } from "./authorize.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/**
 * `/retry failed` re-runs the failed jobs of the newest dispatch run; `/retry <run_id>` re-runs the
 * job that held that run. GitHub re-runs them with the same inputs, so the approved SHA is what
 * runs again. Needs a standing approval on the head.
 */
export async function retryRuns(
  c: PrCommandContext,
  target: "failed" | { runId: string },
): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  if (pr.fromFork)
    return refused("Nothing retried: labgate never runs fork code on self-hosted runners.");
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok) return refused(`Nothing retried: ${auth.reason}`);
  const approval = await latestApproval(deps, pr.headSha, pr.number);
  if (!holds(approval?.record))
    return refused(
      `Nothing retried: there is no standing \`/approve-phase8\` for \`${pr.headSha.slice(0, 7)}\` (a code push voids it).`,
    );
  try {
    if (target === "failed") {
      const [latest] = await listWorkflowRuns(
        deps.octokit,
        deps.repo,
        config.dispatch_workflow,
        pr.headRef,
      );
      if (!latest)
        return refused(
          `Nothing retried: \`${config.dispatch_workflow}\` has no run on \`${pr.headRef}\`.`,
        );
      await rerunFailedJobs(deps.octokit, deps.repo, latest.id);
      return done(
        `Re-running the failed jobs of [run ${latest.id}](${latest.html_url}).`,
        "rocket",
      );
    }
    const statePath = `${config.dispatch_dir}/state.json`;
    const text = await contentsWorkspace(deps.octokit, deps.repo, pr.headSha).readFile(statePath);
    const state = text === undefined ? undefined : parseDispatchState(statePath, text);
    if (!state?.ok)
      return refused(
        `Nothing retried: no readable \`${statePath}\` on \`${pr.headSha.slice(0, 7)}\`.`,
      );
    const entry = state.value.experiments.find((e) => e.id === target.runId);
    if (!entry) return refused(`Nothing retried: \`${statePath}\` has no run \`${target.runId}\`.`);
    const jobId = Number(entry.job_id);
    if (!entry.job_id || !Number.isInteger(jobId))
      return refused(
        `Nothing retried: run \`${target.runId}\` has no job id in \`${statePath}\` (did it start?).`,
      );
    await rerunJob(deps.octokit, deps.repo, jobId);
    return done(
      `Re-running job ${jobId}, which holds \`${target.runId}\` (status ${entry.status}${entry.reason ? `: ${entry.reason}` : ""}); other runs of that shard run again too.`,
      "rocket",
    );
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    return { reaction: "confused", reply: `Nothing retried: GitHub answered HTTP ${status}.` };
  }
}
