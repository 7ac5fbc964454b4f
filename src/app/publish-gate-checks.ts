import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../core/gates/render-verdict-markdown.js";
import type { Verdict } from "../core/gates/verdict.js";
import { reasonsToAnnotations } from "../github/check-run-output.js";
import { createCheckRun } from "../github/check-runs.js";
import { codeReviewCheckBody } from "./dry-run/code-review-check.js";
import type { DryRunDispatch } from "./dry-run/dispatch-dry-run.js";
import type { EventDeps } from "./event-deps.js";

/** The gate whose dry-run part is reported later by the gates workflow (the action's `dry-run`). */
export const DRY_RUN_GATE = "code-review";

export function checkName(v: Verdict): string {
  return `labgate/${v.gate}`;
}

/**
 * One check run per verdict on `headSha`. The code review's static part goes out with where its
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
    await createCheckRun(
      deps.octokit,
      deps.repo,
      {
        name: checkName(v),
        head_sha: headSha,
        status: "completed",
        ...body,
        annotations: reasonsToAnnotations(v.reasons),
      },
      deps.clock(),
    );
  }
}
