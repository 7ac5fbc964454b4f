import { statePath as statePathOf } from "../../core/paths/layout.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import { holds } from "../../github/check-run-protocol.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { httpStatus } from "../../github/repo-ref.js";
import { listRunJobs } from "../../github/workflow-jobs.js";
import { rerunFailedJobs, rerunJob } from "../../github/workflow-runs.js";
import { dispatchRunsFor } from "../approval/dispatch-runs-for.js";
import { latestApproval } from "../approval/find-approval.js";
import { authorize } from "./authorize.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/** How many of labgate's newest dispatch runs for the approved commit `/retry <run_id>` looks in. */
const RUNS_SEARCHED = 5;

/**
 * `/retry failed` re-runs the failed jobs of labgate's newest dispatch run of the approved commit;
 * `/retry <run_id>` re-runs the job that held that run. GitHub re-runs them with the same inputs,
 * so the approved SHA is what runs again. Needs a standing approval on the head. Only jobs of
 * workflow runs labgate dispatched for this PR and commit are ever re-run (`dispatchRunsFor`): the
 * job id `dispatch/state.json` gives is the PR's to write, so it only picks among those jobs.
 */
export async function retryRuns(
  c: PrCommandContext,
  target: "failed" | { runId: string },
): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  if (pr.fromFork)
    return refused("Nothing retried: labgate never runs fork code on self-hosted runners.");
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok) return refused(`Nothing retried: ${auth.message}`);
  const approval = await latestApproval(deps, pr.headSha, pr.number);
  if (!holds(approval?.record))
    return refused(
      `Nothing retried: there is no standing \`/approve-phase8\` for \`${pr.headSha.slice(0, 7)}\` (a code push voids it).`,
    );
  const sha = approval.record.sha;
  try {
    const runs = await dispatchRunsFor(c, sha);
    const latest = runs[0];
    if (!latest)
      return refused(
        `Nothing retried: labgate has dispatched no run of \`${config.dispatch_workflow}\` for PR #${pr.number} at \`${sha.slice(0, 7)}\`.`,
      );
    if (target === "failed") {
      await rerunFailedJobs(deps.octokit, deps.repo, latest.id);
      return done(
        `Re-running the failed jobs of [run ${latest.id}](${latest.html_url}).`,
        "rocket",
      );
    }
    const statePath = statePathOf(config);
    const text = await contentsWorkspace(deps.octokit, deps.repo, pr.headSha).readFile(statePath);
    const state = text === undefined ? undefined : parseDispatchState(statePath, text);
    if (!state?.ok)
      return refused(
        `Nothing retried: no readable \`${statePath}\` on \`${pr.headSha.slice(0, 7)}\`.`,
      );
    const entry = state.value.experiments.find((e) => e.id === target.runId);
    if (!entry) return refused(`Nothing retried: \`${statePath}\` has no run \`${target.runId}\`.`);
    const named = Number(entry.job_id);
    if (!entry.job_id || !Number.isSafeInteger(named))
      return refused(
        `Nothing retried: run \`${target.runId}\` has no job id in \`${statePath}\` (did it start?).`,
      );
    for (const run of runs.slice(0, RUNS_SEARCHED)) {
      const job = (await listRunJobs(deps.octokit, deps.repo, run.id)).find((j) => j.id === named);
      if (!job) continue;
      await rerunJob(deps.octokit, deps.repo, job.id);
      return done(
        `Re-running job [${job.name}](${job.html_url ?? run.html_url}) of [run ${run.id}](${run.html_url}), which holds \`${target.runId}\` (status ${entry.status}${entry.reason ? `: ${entry.reason}` : ""}); other runs of that shard run again too.`,
        "rocket",
      );
    }
    return refused(
      `Nothing retried: job ${named}, which \`${statePath}\` names for \`${target.runId}\`, is not a job of labgate's dispatch of PR #${pr.number} at \`${sha.slice(0, 7)}\` (newest: [run ${latest.id}](${latest.html_url})). \`/retry failed\` re-runs the failed jobs of that run.`,
    );
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    return { reaction: "confused", reply: `Nothing retried: GitHub answered HTTP ${status}.` };
  }
}
