import { type Failure, fail } from "../../core/failure/failure.js";
import { reasonsToAnnotations } from "../../github/check-run-output.js";
import {
  CODE_REVIEW_CHECK,
  decodeCodeReviewState,
  trustedChecks,
} from "../../github/check-run-protocol.js";
import { createCheckRun, listCheckRuns, updateCheckRun } from "../../github/check-runs.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { getPullRequest } from "../../github/get-pull-request.js";
import { isPullRequestCommit } from "../../github/pull-request-commits.js";
import { listRunJobs } from "../../github/workflow-jobs.js";
import { loadContext } from "../../operations/load-context.js";
import { reviewGates } from "../../operations/review-gates.js";
import { type EventDeps, policySource } from "../event-deps.js";
import { codeReviewCheckBody } from "./code-review-check.js";
import { type GatesRunTarget, parseGatesRunTitle } from "./gates-run-title.js";

/** The job of the gates workflow that runs the dry-runs (templates/workflows/labgate-gates.yml). */
export const DRY_RUN_JOB = "dry-run";

/** The fields of a `workflow_run.completed` payload that decide whether labgate trusts the run. */
export interface CompletedRun {
  /** The repository the webhook is for (`payload.repository.id`). */
  repositoryId: number;
  run: {
    id: number;
    html_url: string;
    path?: string | null;
    event: string;
    head_branch: string | null;
    display_title?: string | null;
    repository: { id: number };
    head_repository?: { id: number } | null;
  };
}

export type DryRunRefusalCode =
  | "not-gates-run"
  | "other-repository"
  | "not-workflow-dispatch"
  | "config-invalid"
  | "other-workflow"
  | "not-default-branch"
  | "not-pr-commit"
  | "fork-pr"
  | "cancelled";

export type DryRunReport =
  | {
      ok: true;
      target: GatesRunTarget;
      passed: boolean;
      conclusion: string;
      checkRun: { id: number; action: "updated" | "created" };
    }
  | Failure<DryRunRefusalCode>;

const refuse = (code: DryRunRefusalCode, message: string): DryRunReport => fail(code, message);

/**
 * A gates workflow run finished: report its dry-run to the app's own `labgate/code-review` check of
 * the commit it tested (docs/security.md, "The code-review dry-run"). The run counts only when it
 * is the default branch's gates workflow, dispatched in this repository: a PR can add a workflow
 * that names itself like one, or run its own copy on its branch. What it tested (PR, SHA) comes from
 * the run's name, and the SHA must be one of that PR's commits. Nothing the PR's code wrote is read:
 * only the `dry-run` job's conclusion, from the API. Expected refusals are values with a code.
 */
export async function completeDryRun(deps: EventDeps, c: CompletedRun): Promise<DryRunReport> {
  const { run } = c;
  const target = parseGatesRunTitle(run.display_title);
  if (!target) return refuse("not-gates-run", `run ${run.id} is not named like a gates run`);
  // A dispatched run's head repository is the repository itself; a fork's run names the fork.
  const ranIn = [run.repository.id, run.head_repository?.id];
  if (ranIn.some((id) => id !== c.repositoryId))
    return refuse(
      "other-repository",
      `run ${run.id} ran in repository ${ranIn.join(" / ")}, not in this one (${c.repositoryId})`,
    );
  if (run.event !== "workflow_dispatch")
    return refuse(
      "not-workflow-dispatch",
      `run ${run.id} was started by \`${run.event}\`; only the app's workflow_dispatch of the gates workflow reports a dry-run`,
    );
  const policy = await loadContext(policySource(deps));
  if (!policy.ok)
    return refuse(
      "config-invalid",
      `.github/labgate.yml on the default branch \`${policy.ref}\` is invalid, so the gates workflow is unknown: ${policy.message}`,
    );
  const expected = `.github/workflows/${policy.config.gates_workflow}`;
  if (run.path !== expected)
    return refuse("other-workflow", `run ${run.id} is of \`${run.path}\`, not \`${expected}\``);
  if (run.head_branch !== policy.ref)
    return refuse(
      "not-default-branch",
      `run ${run.id} ran the workflow of branch \`${run.head_branch}\`, not of the default branch \`${policy.ref}\``,
    );

  const pr = await getPullRequest(deps.octokit, deps.repo, target.pr);
  if (pr.fromFork)
    return refuse("fork-pr", `PR #${target.pr} comes from a fork: its dry-run is not reported`);
  if (
    pr.headSha !== target.sha &&
    !(await isPullRequestCommit(deps.octokit, deps.repo, target.pr, target.sha))
  )
    return refuse("not-pr-commit", `${target.sha} is not a commit of PR #${target.pr}`);

  const job = (await listRunJobs(deps.octokit, deps.repo, run.id)).find(
    (j) => j.name === DRY_RUN_JOB,
  );
  const conclusion = job?.conclusion ?? "missing";
  // A cancelled run was superseded by a newer push's (the workflow's concurrency group) or stopped
  // by hand: it says nothing about the code, so the check keeps waiting.
  if (conclusion === "cancelled" || conclusion === "skipped")
    return refuse("cancelled", `job \`${DRY_RUN_JOB}\` of run ${run.id} was ${conclusion}`);
  const passed = conclusion === "success";

  // The static part is recomputed at the SHA, so the check is whole whichever report came first.
  const { verdicts } = await reviewGates({
    workspace: contentsWorkspace(deps.octokit, deps.repo, target.sha),
    config: policy, // the default branch's required flags, never the PR's
    only: ["code-review"],
    dryRun: "skip",
  });
  const verdict = verdicts.find((v) => v.gate === "code-review");
  if (!verdict) throw new Error("the code-review gate returned no verdict");
  const body = codeReviewCheckBody(verdict, {
    kind: "reported",
    passed,
    run: {
      id: run.id,
      url: run.html_url,
      job: DRY_RUN_JOB,
      jobConclusion: conclusion,
    },
  });
  const input = {
    status: "completed" as const,
    ...body,
    annotations: reasonsToAnnotations(verdict.reasons),
  };
  const own = trustedChecks(
    await listCheckRuns(deps.octokit, deps.repo, target.sha, CODE_REVIEW_CHECK),
    deps.trust,
  ).find((k) => decodeCodeReviewState(k.external_id) !== undefined);
  if (own) {
    await updateCheckRun(deps.octokit, deps.repo, own.id, input, deps.clock());
    return { ok: true, target, passed, conclusion, checkRun: { id: own.id, action: "updated" } };
  }
  const id = await createCheckRun(
    deps.octokit,
    deps.repo,
    { name: CODE_REVIEW_CHECK, head_sha: target.sha, ...input },
    deps.clock(),
  );
  return { ok: true, target, passed, conclusion, checkRun: { id, action: "created" } };
}

/** `workflow_run.completed` of a run named like a gates run: report it, or log why not. */
export async function reportDryRun(
  deps: EventDeps,
  payload: { repository: { id: number }; workflow_run: CompletedRun["run"] },
): Promise<void> {
  const { workflow_run: run } = payload;
  const report = await completeDryRun(deps, { repositoryId: payload.repository.id, run });
  if (report.ok)
    deps.log.info(
      `gates run ${run.id}: dry-run of PR #${report.target.pr} at ${report.target.sha} ${report.passed ? "passed" : "failed"}; labgate/code-review ${report.checkRun.action}`,
    );
  else deps.log.warn(`gates run ${run.id} not reported (${report.code}): ${report.message}`);
}
