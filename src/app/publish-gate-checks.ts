import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../core/gates/render-verdict-markdown.js";
import type { Verdict } from "../core/gates/verdict.js";
import {
  reasonsToAnnotations,
  truncateMarkdown,
  truncateTitle,
} from "../github/check-run-output.js";
import { trustedChecks } from "../github/check-run-protocol.js";
import {
  type CheckRunInfo,
  type CheckRunInput,
  createCheckRun,
  listCheckRuns,
  updateCheckRun,
} from "../github/check-runs.js";
import { codeReviewCheckBody } from "./dry-run/code-review-check.js";
import type { DryRunDispatch } from "./dry-run/dispatch-dry-run.js";
import type { EventDeps } from "./event-deps.js";

/** The gate whose dry-run part is reported later by the gates workflow (the action's `dry-run`). */
export const DRY_RUN_GATE = "code-review";

export function checkName(v: Verdict): string {
  return `labgate/${v.gate}`;
}

/**
 * One check run per verdict on `headSha`, updated in place when the same review is posted again
 * (see sameVerdict). The code review's static part goes out with where its
 * dry-run stands (`dryRun`: the app dispatched the default branch's gates workflow for this commit,
 * or why it did not); only that run's report, written by the app into its own check
 * (src/app/dry-run/complete-dry-run.ts), can make code review green.
 */
export async function publishGateChecks(
  deps: EventDeps,
  headSha: string,
  verdicts: readonly Verdict[],
  dryRun?: DryRunDispatch,
): Promise<void> {
  // This app's own check runs on the commit, newest first (none can be told apart in Actions mode).
  const ours =
    verdicts.length === 0 || deps.trust.app_id === null
      ? []
      : trustedChecks(await listCheckRuns(deps.octokit, deps.repo, headSha), deps.trust);
  for (const v of verdicts) {
    if (v.gate === DRY_RUN_GATE && !dryRun)
      throw new Error(
        "publishGateChecks: a code-review verdict goes out with its dry-run dispatch",
      );
    const body =
      v.gate === DRY_RUN_GATE && dryRun
        ? codeReviewCheckBody(v, { kind: "dispatch", dispatch: dryRun })
        : {
            conclusion: v.conclusion,
            title: renderVerdictTitle(v),
            summary: renderVerdictMarkdown(v),
          };
    const input: CheckRunInput = {
      name: checkName(v),
      head_sha: headSha,
      status: "completed",
      ...body,
      annotations: reasonsToAnnotations(v.reasons),
    };
    const replayed = ours.find((c) => c.name === input.name);
    if (replayed && sameVerdict(replayed, input))
      // GitHub appends the annotations of an update to the ones already there: the first post
      // wrote them.
      await updateCheckRun(
        deps.octokit,
        deps.repo,
        replayed.id,
        { ...input, annotations: [] },
        deps.clock(),
      );
    else await createCheckRun(deps.octokit, deps.repo, input, deps.clock());
  }
}

/**
 * Whether the app's newest check run of a gate already says what `input` says: the same review
 * posted again (an inbox replay, a retry after a failure further on). That check run is updated
 * rather than joined by another; a changed verdict gets a new check run, since an update cannot
 * take back the old one's annotations.
 */
function sameVerdict(check: CheckRunInfo, input: CheckRunInput): boolean {
  return (
    check.conclusion === (input.conclusion ?? "neutral") &&
    check.title === truncateTitle(input.title) &&
    check.summary === truncateMarkdown(input.summary) &&
    (input.external_id === undefined || check.external_id === input.external_id)
  );
}
