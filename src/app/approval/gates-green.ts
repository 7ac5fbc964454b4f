import type { Config } from "../../core/config/config-schema.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { statePath } from "../../core/paths/layout.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import {
  CHECK_NAMES,
  type CheckName,
  type CheckTrust,
  decodeCodeReviewState,
  isTrustedCheck,
} from "../../github/check-run-protocol.js";
import type { CheckRunInfo } from "../../github/check-runs.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { listRunJobs } from "../../github/workflow-jobs.js";
import { listWorkflowRuns } from "../../github/workflow-runs.js";
import type { ReviewProvider } from "../../llm/review-provider.js";
import type { Campaign } from "../../operations/load-campaign.js";
import { reviewGates } from "../../operations/review-gates.js";
import type { Workspace } from "../../operations/workspace.js";
import type { PrCommandContext } from "../commands/pr-command-context.js";
import { DRY_RUN_JOB } from "../dry-run/complete-dry-run.js";
import { parseGatesRunTitle } from "../dry-run/gates-run-title.js";
import { prefetchReviewFiles } from "../prefetch-review-files.js";

/** Why one gate does not count as green on a commit. */
export interface GateProblem {
  gate: CheckName;
  code: "missing" | "not-completed" | "failed" | "dry-run-pending" | "dry-run-fork";
  message: string;
}

const REQUIRED = ["definitions", "code-review", "design-debate"] as const;

/**
 * Why the gates on the PR's head are not all green (an empty list: all green), from what labgate
 * itself established (docs/security.md, "Gates and approvals"):
 * - with an app id, from the check runs this app wrote; a check of the same name by anyone else
 *   is ignored and named in the problem, so the reader sees why it does not count;
 * - in Actions mode (no app id: labgate writes as `github-actions`, as a PR's own workflow can),
 *   no check run can be told apart from a forgery. The static gates are recomputed here from the
 *   files at the head, and code review's `--dry-run` is read from the gates workflow's own runs
 *   through the API (`actionsModeDryRun`), never from a check run.
 * `checks` are the head's check runs (listCheckRuns), newest first.
 */
export async function gateProblemsAt(
  c: PrCommandContext,
  checks: readonly CheckRunInfo[],
): Promise<GateProblem[]> {
  const { deps, pr } = c;
  if (deps.trust.app_id !== null) return gateProblems(checks, deps.trust);
  const ws = contentsWorkspace(deps.octokit, deps.repo, pr.headSha);
  const campaign = await prefetchReviewFiles(ws, c.config);
  return recomputedGateProblems({
    campaign,
    provider: deps.provider,
    octokit: deps.octokit,
    repo: deps.repo,
    workspace: ws,
    pr: pr.number,
    sha: pr.headSha,
    config: c.config,
    defaultBranch: c.defaultBranch,
  });
}

/** What the gates of a commit are recomputed from, wherever its files are read. */
export interface RecomputeGatesInput {
  octokit: OctokitLike;
  repo: RepoRef;
  /** The files at `sha`: the contents API for the app, the plan job's checkout of `sha`. */
  workspace: Workspace;
  pr: number;
  sha: string;
  /**
   * The default branch's policy config (`loadContext`): the gates' thresholds, required flags
   * and budget, the paths, the gates workflow.
   */
  config: Config;
  defaultBranch: string;
  /** The campaign already read at `sha` with `config` (`prefetchReviewFiles`); else read here. */
  campaign?: Campaign;
  /** The design debate's language-model reviewer, as the app's own review uses it; none if unset. */
  provider?: ReviewProvider | undefined;
}

/**
 * Actions mode's gate problems at a commit, trusting no check run (docs/security.md, "Gates and
 * approvals"): `definitions`, `design-debate`, `pilot` (where pilot runs exist) and the static part
 * of `code-review` recomputed from the files, and the `--dry-run` verdict from the gates workflow's
 * own runs (`actionsModeDryRun`). The app's `/approve-phase8` and the dispatch plan step both ask
 * this.
 */
export async function recomputedGateProblems(input: RecomputeGatesInput): Promise<GateProblem[]> {
  const ws = input.workspace;
  // The gates obey the default branch's policy, never the labgate.yml of the files at `sha`.
  const { verdicts } = await reviewGates({
    workspace: ws,
    ...(input.campaign
      ? { campaign: input.campaign }
      : { config: { ok: true as const, config: input.config } }),
    dryRun: "skip",
    provider: input.provider,
  });
  const path = statePath(input.config);
  const stateText = await ws.readFile(path);
  const state = stateText === undefined ? undefined : parseDispatchState(path, stateText);
  const hasPilots = state?.ok === true && state.value.experiments.some((e) => e.phase === "pilot");
  const problems = recomputedProblems(verdicts, hasPilots);
  const staticReview = verdicts.find((v) => v.gate === "code-review");
  if (staticReview?.conclusion !== "failure") {
    const p = await actionsModeDryRun(input);
    if (p) problems.push(p);
  }
  return problems;
}

/**
 * Actions mode: the dry-run verdict straight from the gates workflow's runs, as the API lists them:
 * the default branch's `gates_workflow`, started by `workflow_dispatch` on the default branch, its
 * title naming this PR and head (the newest such run that finished), and the conclusion of its
 * `dry-run` job. A check run saying so could be anyone's; these runs are the default branch's
 * workflow, which the PR cannot edit.
 */
async function actionsModeDryRun(input: RecomputeGatesInput): Promise<GateProblem | undefined> {
  const { octokit, repo, config, defaultBranch } = input;
  const gate = CHECK_NAMES["code-review"];
  const runs = (
    await listWorkflowRuns(octokit, repo, config.gates_workflow, {
      branch: defaultBranch,
      event: "workflow_dispatch",
    })
  ).filter((r) => {
    const t = parseGatesRunTitle(r.display_title);
    return (
      r.event === "workflow_dispatch" &&
      r.head_branch === defaultBranch &&
      t?.pr === input.pr &&
      t.sha === input.sha
    );
  });
  for (const run of runs.filter((r) => r.status === "completed").slice(0, 5)) {
    const job = (await listRunJobs(octokit, repo, run.id)).find((j) => j.name === DRY_RUN_JOB);
    // A cancelled or skipped run says nothing about the code; an older one may.
    if (!job || job.conclusion === "cancelled" || job.conclusion === "skipped") continue;
    return job.conclusion === "success"
      ? undefined
      : {
          gate,
          code: "failed",
          message: `\`${gate}\`: the dry-run failed (job \`${DRY_RUN_JOB}\` of [gates run ${run.id}](${run.html_url}) ended \`${job.conclusion}\`)`,
        };
  }
  return {
    gate,
    code: "dry-run-pending",
    message: `\`${gate}\`: the dry-run is still pending (no finished run of \`${config.gates_workflow}\` on \`${defaultBranch}\` for this commit)`,
  };
}

/** The gate problems from the check runs this app wrote (server mode). */
export function gateProblems(checks: readonly CheckRunInfo[], trust: CheckTrust): GateProblem[] {
  const problems: GateProblem[] = [];
  const ours = checks.filter((c) => isTrustedCheck(c, trust));
  for (const gate of REQUIRED) {
    const p = requiredGateProblem(CHECK_NAMES[gate], ours);
    if (p) problems.push(p);
  }
  const pilot = ours.find((c) => c.name === CHECK_NAMES.pilot);
  if (pilot && (pilot.status !== "completed" || pilot.conclusion !== "success"))
    problems.push({
      gate: CHECK_NAMES.pilot,
      code: pilot.status === "completed" ? "failed" : "not-completed",
      message: `\`${CHECK_NAMES.pilot}\` is ${pilot.conclusion ?? pilot.status}${title(pilot)}`,
    });
  // A check of a labgate name by anyone else is named, so the reader sees why it does not count.
  return problems.map((p) => ({
    ...p,
    message: `${p.message}${untrustedNote(checks, p.gate, trust)}`,
  }));
}

function requiredGateProblem(
  name: CheckName,
  ours: readonly CheckRunInfo[],
): GateProblem | undefined {
  const runs = ours.filter((c) => c.name === name);
  const latest = runs[0];
  if (!latest)
    return { gate: name, code: "missing", message: `\`${name}\` has not run on this commit` };
  if (name === CHECK_NAMES["code-review"]) return codeReviewProblem(runs);
  if (latest.status !== "completed")
    return { gate: name, code: "not-completed", message: `\`${name}\` is still ${latest.status}` };
  if (latest.conclusion !== "success")
    return {
      gate: name,
      code: "failed",
      message: `\`${name}\` is ${latest.conclusion}${title(latest)}`,
    };
  return undefined;
}

/**
 * Code review is green once a dry-run report says `passed` (the check's `external_id`, the
 * code-review state codec) on a successful check. A static-only check (state `pending`, or none)
 * waits for the report, unless its static part already failed.
 */
function codeReviewProblem(runs: readonly CheckRunInfo[]): GateProblem | undefined {
  const name = CHECK_NAMES["code-review"];
  const reported = runs.find((c) => {
    const s = decodeCodeReviewState(c.external_id)?.dry_run;
    return c.status === "completed" && (s === "passed" || s === "failed" || s === "fork");
  });
  if (!reported) {
    const latest = runs[0];
    if (latest?.status === "completed" && latest.conclusion === "failure")
      return { gate: name, code: "failed", message: `\`${name}\` is failure${title(latest)}` };
    return {
      gate: name,
      code: "dry-run-pending",
      message: `\`${name}\`: the dry-run is still pending`,
    };
  }
  const state = decodeCodeReviewState(reported.external_id)?.dry_run;
  if (state === "fork")
    return {
      gate: name,
      code: "dry-run-fork",
      message: `\`${name}\`: the dry-run does not run for a fork's code`,
    };
  if (state === "passed" && reported.conclusion === "success") return undefined;
  return {
    gate: name,
    code: "failed",
    message: `\`${name}\` is ${reported.conclusion}${title(reported)}`,
  };
}

/** Actions mode: the static verdicts recomputed at the commit (code review: its static part). */
function recomputedProblems(verdicts: readonly Verdict[], hasPilots: boolean): GateProblem[] {
  const problems: GateProblem[] = [];
  for (const v of verdicts) {
    const name = CHECK_NAMES[v.gate];
    if (v.gate === "pilot" && (!hasPilots || v.conclusion === "success")) continue;
    if (v.gate === "code-review" && v.conclusion !== "failure") continue;
    if (v.conclusion !== "success")
      problems.push({
        gate: name,
        code: "failed",
        message: `\`${name}\` is ${v.conclusion} (${v.label}: ${v.summary}), recomputed from the files at this commit`,
      });
  }
  return problems;
}

/** Names the checks of that name that do not count, and why. */
function untrustedNote(checks: readonly CheckRunInfo[], name: string, trust: CheckTrust): string {
  const others = checks.filter((c) => c.name === name && !isTrustedCheck(c, trust));
  if (others.length === 0) return "";
  const who = [
    ...new Set(others.map((c) => `\`${c.app_slug ?? "unknown"}\` (app ${c.app_id ?? "?"})`)),
  ];
  return ` (the \`${name}\` check run${others.length > 1 ? "s" : ""} by ${who.join(", ")} ${
    others.length > 1 ? "are" : "is"
  } not labgate's own and ${others.length > 1 ? "do" : "does"} not count)`;
}

const title = (c: CheckRunInfo) => (c.title ? ` (${c.title})` : "");
