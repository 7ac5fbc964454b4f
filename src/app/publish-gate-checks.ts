import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../core/gates/render-verdict-markdown.js";
import type { Verdict } from "../core/gates/verdict.js";
import { reasonsToAnnotations } from "../github/check-run-output.js";
import { createCheckRun } from "../github/check-runs.js";
import type { EventDeps } from "./event-deps.js";

/** The gate whose dry-run part is reported later by the gates workflow (the action's `dry-run`). */
export const DRY_RUN_GATE = "code-review";
/** Ends the title of a static-only code review, so approval knows it still waits for the dry-run. */
export const DRY_RUN_PENDING = "dry-run pending";

export function checkName(v: Verdict): string {
  return `labgate/${v.gate}`;
}

/**
 * One check run per verdict on `headSha`. A code review whose static part passes is posted as
 * neutral, "dry-run pending": the gates workflow reports the dry-run under the same check name from
 * a CPU runner, and only that report can make code review green. (Neutral rather than in progress:
 * the app cannot update a check run another app created, so an in-progress one would never end.)
 */
export async function publishGateChecks(
  deps: EventDeps,
  headSha: string,
  verdicts: readonly Verdict[],
): Promise<void> {
  for (const v of verdicts) {
    const pending = v.gate === DRY_RUN_GATE && v.conclusion !== "failure";
    const summary = renderVerdictMarkdown(v);
    await createCheckRun(
      deps.octokit,
      deps.repo,
      {
        name: checkName(v),
        head_sha: headSha,
        status: "completed",
        conclusion: pending ? "neutral" : v.conclusion,
        title: pending ? `${renderVerdictTitle(v)} — ${DRY_RUN_PENDING}` : renderVerdictTitle(v),
        summary: pending
          ? `${summary}\n\n⏳ The \`--dry-run\` part runs on a CPU runner in the gates workflow and is reported there.`
          : summary,
        annotations: reasonsToAnnotations(v.reasons),
      },
      deps.clock(),
    );
  }
}
