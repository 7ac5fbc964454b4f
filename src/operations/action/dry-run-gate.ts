import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../../core/gates/render-verdict-markdown.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { reasonsToAnnotations } from "../../github/check-run-output.js";
import { createCheckRun, listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import type { OctokitLike } from "../../github/octokit.js";
import { httpStatus, type RepoRef } from "../../github/repo-ref.js";
import { diskWorkspace } from "../disk-workspace.js";
import { reviewGates } from "../review-gates.js";

export const CODE_REVIEW_CHECK = "labgate/code-review";

export interface DryRunGateInput {
  /** The PR's checkout; the dry-runs run here. */
  cwd: string;
  headSha: string;
  /** A fork PR's token cannot write checks: the verdict goes to the job only. */
  fromFork: boolean;
  detailsUrl: string;
}

export interface DryRunGateDeps {
  octokit: () => OctokitLike;
  repo: RepoRef;
  clock: () => Date;
}

export interface DryRunGateResult {
  verdict: Verdict;
  /** How the verdict reached the PR. */
  reported: "updated" | "created" | "fork: job status only";
  checkRunId?: number;
}

/**
 * The code-review gate with its dry-runs (SPEC §6), on a GitHub-hosted CPU runner. Completes
 * the app's in-progress `labgate/code-review` check when this token may update it; a check
 * created by another GitHub App cannot be updated with this token, so then a new one is created.
 */
export async function dryRunGate(
  deps: DryRunGateDeps,
  input: DryRunGateInput,
): Promise<DryRunGateResult> {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(input.cwd),
    only: ["code-review"],
    dryRun: "run",
    cwd: input.cwd,
  });
  const verdict = verdicts.find((v) => v.gate === "code-review");
  if (!verdict) throw new Error("the code-review gate returned no verdict");
  if (input.fromFork) return { verdict, reported: "fork: job status only" };

  const octokit = deps.octokit();
  const body = {
    status: "completed" as const,
    conclusion: verdict.conclusion,
    title: renderVerdictTitle(verdict),
    summary: renderVerdictMarkdown(verdict),
    annotations: reasonsToAnnotations(verdict.reasons),
    details_url: input.detailsUrl,
  };
  try {
    const open = (await listCheckRuns(octokit, deps.repo, input.headSha, CODE_REVIEW_CHECK)).find(
      (c) => c.status !== "completed",
    );
    if (open) {
      try {
        await updateCheckRun(octokit, deps.repo, open.id, body, deps.clock());
        return { verdict, reported: "updated", checkRunId: open.id };
      } catch (err) {
        if (httpStatus(err) !== 403 && httpStatus(err) !== 404) throw err;
      }
    }
    const id = await createCheckRun(
      octokit,
      deps.repo,
      { name: CODE_REVIEW_CHECK, head_sha: input.headSha, ...body },
      deps.clock(),
    );
    return { verdict, reported: "created", checkRunId: id };
  } catch (err) {
    if (httpStatus(err) === 403)
      throw new Error(
        `the token may not write check runs (403): give this job \`permissions: checks: write\`. The verdict was ${verdict.label}: ${verdict.summary}`,
      );
    throw err;
  }
}
