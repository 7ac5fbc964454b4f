import { approvalRecordCheck, holds } from "../../github/check-run-protocol.js";
import { createCheckRun } from "../../github/check-runs.js";
import { cancelWorkflowRun, isActive } from "../../github/workflow-runs.js";
import { dispatchRunsFor } from "../approval/dispatch-runs-for.js";
import { latestApproval } from "../approval/find-approval.js";
import { authorize } from "./authorize.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/** `/cancel`: cancels labgate's queued or running dispatch runs of this PR and closes the approval. */
export async function cancelDispatch(c: PrCommandContext): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok) return refused(`Nothing cancelled: ${auth.message}`);
  // Only the runs labgate dispatched for this PR, whichever commit they run.
  const runs = (await dispatchRunsFor(c)).filter(isActive);
  for (const run of runs) await cancelWorkflowRun(deps.octokit, deps.repo, run.id);
  const found = await latestApproval(deps, pr.headSha, pr.number);
  if (holds(found?.record)) {
    // On the head, and on the approved commit when the approval was carried past it by results
    // commits (a campaign in waves): a later wave's plan reads the records there and at the head
    // it then has, which the next results commit moves past this one (docs/runners.md, "Waves").
    for (const sha of new Set([pr.headSha, found.record.sha]))
      await createCheckRun(
        deps.octokit,
        deps.repo,
        {
          ...approvalRecordCheck(sha, { ...found.record, state: "cancelled" }),
          status: "completed",
          conclusion: "cancelled",
          title: `Cancelled by @${user}`,
          summary: `@${user} cancelled the dispatch approved by @${found.record.by}. Comment \`/approve-phase8\` to dispatch again.`,
        },
        deps.clock(),
      );
  }
  if (runs.length === 0)
    return done(
      `No queued or running \`${config.dispatch_workflow}\` run for PR #${pr.number} to cancel${holds(found?.record) ? "; the approval is closed" : ""}.`,
      "eyes",
    );
  return done(
    `Cancelled ${runs.length} run(s) of \`${config.dispatch_workflow}\`: ${runs.map((r) => `[${r.id}](${r.html_url})`).join(", ")}. Runs that already finished keep their results.`,
  );
}
