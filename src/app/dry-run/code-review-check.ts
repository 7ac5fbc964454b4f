import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../../core/gates/render-verdict-markdown.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { type CodeReviewState, encodeCodeReviewState } from "../../github/check-run-protocol.js";
import type { CheckConclusion } from "../../github/check-runs.js";
import type { DryRunDispatch } from "./dispatch-dry-run.js";

/** Ends the title of a static-only code review, so a reader sees it still waits for the dry-run. */
const DRY_RUN_PENDING = "dry-run pending";

/** Where the `--dry-run` part of a code review stands when its check is written. */
export type DryRunStage =
  | { kind: "dispatch"; dispatch: DryRunDispatch }
  | {
      kind: "reported";
      passed: boolean;
      /** The gates workflow run that reported it, and its `dry-run` job's conclusion. */
      run: { id: number; url: string; job: string; jobConclusion: string };
    };

export interface CodeReviewCheckBody {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  external_id: string;
  details_url?: string;
}

/**
 * The `labgate/code-review` check for a static verdict and the dry-run's stage: the one place that
 * decides its conclusion, title, summary and the dry-run state in `external_id`
 * (check-run-protocol.ts). A static failure is red whatever the dry-run says; only a passed dry-run
 * report over a passing static part is green.
 */
export function codeReviewCheckBody(v: Verdict, stage: DryRunStage): CodeReviewCheckBody {
  const title = renderVerdictTitle(v);
  const summary = renderVerdictMarkdown(v);
  const staticFailed = v.conclusion === "failure";
  const body = (
    conclusion: CheckConclusion,
    suffix: string | undefined,
    state: CodeReviewState["dry_run"],
    note: string,
    headline = title,
  ): CodeReviewCheckBody => ({
    conclusion: staticFailed ? "failure" : conclusion,
    title: suffix ? `${staticFailed ? title : headline} — ${suffix}` : title,
    summary: `${summary}\n\n${note}`,
    external_id: encodeCodeReviewState({ v: 1, dry_run: state }),
  });
  if (stage.kind === "reported") {
    const { run } = stage;
    const verdict = stage.passed ? "passed" : "failed";
    return {
      ...body(
        stage.passed ? "success" : "failure",
        `dry-run ${verdict}`,
        verdict,
        `${stage.passed ? "✅" : "❌"} The \`--dry-run\` part ${verdict}: job \`${run.job}\` of [gates workflow run ${run.id}](${run.url}) ended \`${run.jobConclusion}\`; its job summary has the details.`,
        // The static verdict says "dry-runs pending"; the report settles it.
        stage.passed ? "CODE_APPROVED" : "CODE_REVISE",
      ),
      details_url: run.url,
    };
  }
  const d = stage.dispatch;
  if (d.ok)
    return body(
      "neutral",
      DRY_RUN_PENDING,
      "pending",
      `⏳ The \`--dry-run\` part runs on a CPU runner in the gates workflow (\`${d.workflow}\` on \`${d.ref}\`); labgate reports it here when that run completes.`,
    );
  if (d.code === "fork-pr")
    return body("neutral", "dry-run not run (fork PR)", "fork", `ℹ️ ${d.message}`);
  return body("failure", "dry-run not started", "pending", `❌ ${d.message}`);
}
