import { CHECK_NAMES } from "../../github/check-run-protocol.js";
import { listCheckRuns } from "../../github/check-runs.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import { dispatchRunTitle } from "../approval/dispatch-run-title.js";
import { gateProblemsAt } from "../approval/gates-green.js";
import { classifyFailure } from "../inbox/work-failure.js";
import { authorize } from "./authorize.js";
import { type CommandOutcome, done, refused } from "./command-outcome.js";
import type { PrCommandContext } from "./pr-command-context.js";

/**
 * `/run-pilot [stage]`: dispatches the pilot phase of the head commit once definitions and code
 * review are green (SPEC §1.3). Without a stage the runner goes stage by stage; with one, only that
 * stage runs, and the dispatch carries a `stage` input.
 */
export async function runPilot(c: PrCommandContext, stage?: number): Promise<CommandOutcome> {
  const { deps, pr, user, config } = c;
  if (pr.state !== "open") return refused(`Pilot not started: PR #${pr.number} is ${pr.state}.`);
  if (pr.fromFork)
    return refused("Pilot not started: labgate never runs fork code on self-hosted GPU runners.");
  const auth = await authorize(deps, user, config.approvers);
  if (!auth.ok) return refused(`Pilot not started: ${auth.reason}`);
  const checks = await listCheckRuns(deps.octokit, deps.repo, pr.headSha);
  const problems = (await gateProblemsAt(c, checks)).filter(
    (p) => p.gate === CHECK_NAMES.definitions || p.gate === CHECK_NAMES["code-review"],
  );
  if (problems.length > 0)
    return refused(
      `Pilot not started: definitions and code review must be green on \`${pr.headSha.slice(0, 7)}\`.\n\n${problems.map((p) => `- ${p.message}`).join("\n")}`,
    );
  try {
    // From the default branch's copy of the workflow, with the SHA as input (docs/security.md).
    await dispatchWorkflow(deps.octokit, deps.repo, config.dispatch_workflow, c.defaultBranch, {
      pr: pr.number,
      sha: pr.headSha,
      phase: "pilot",
      ...(stage === undefined ? {} : { stage }),
    });
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    // The dispatch is sent once (workflow-dispatch.ts): after a 5xx or a rate limit GitHub may have
    // started it anyway, and nothing records a pilot dispatch to look for, so say so.
    if (classifyFailure(err).transient)
      return {
        reaction: "confused",
        reply: `Pilot dispatch unconfirmed: GitHub answered HTTP ${status} to the dispatch of \`${config.dispatch_workflow}\`, which it may have started anyway. Look for a run titled \`${dispatchRunTitle({ pr: pr.number, sha: pr.headSha, phase: "pilot" })}\` in the Actions tab in a minute; comment \`/run-pilot\` again only if there is none.`,
      };
    return {
      reaction: "confused",
      reply: `Pilot not started: dispatching \`${config.dispatch_workflow}\` failed with HTTP ${status}.`,
    };
  }
  const which =
    stage === undefined ? "stage by stage (2 only if 1 passes, then 3)" : `stage ${stage}`;
  return done(
    `Pilot dispatched for \`${pr.headSha.slice(0, 7)}\`, ${which}; \`labgate/pilot\` shows the results when they are committed.`,
    "rocket",
  );
}
