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

export function checkName(v: Verdict): string {
  return `labgate/${v.gate}`;
}

/**
 * One check run per verdict on `headSha`. Code review is left in progress ("dry-run pending")
 * unless its static part already fails: the dry-run result arrives later from a CPU runner.
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
        status: pending ? "in_progress" : "completed",
        ...(pending ? {} : { conclusion: v.conclusion }),
        title: pending ? `${renderVerdictTitle(v)} — dry-run pending` : renderVerdictTitle(v),
        summary: pending
          ? `${summary}\n\n⏳ The \`--dry-run\` part runs on a CPU runner in the gates workflow and is reported there.`
          : summary,
        annotations: reasonsToAnnotations(v.reasons),
      },
      deps.clock(),
    );
  }
}
