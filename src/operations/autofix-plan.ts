import type { AutofixPlan } from "../core/autofix/autofix-handoff.js";
import { type FixerSpec, NORMALIZE_DEFINITIONS, planFixers } from "../core/autofix/plan-fixers.js";
import { contentsWorkspace } from "../github/contents-workspace.js";
import { getPullRequest } from "../github/get-pull-request.js";
import type { OctokitLike } from "../github/octokit.js";
import type { RepoRef } from "../github/repo-ref.js";
import { failedGateChecks, failedRunsIn } from "./autofix-failures.js";
import { loadContext } from "./load-context.js";

export type AutofixPlanResult =
  | { kind: "fork"; message: string }
  | { kind: "config-invalid"; message: string }
  | { kind: "nothing-to-answer"; message: string; headSha: string }
  | { kind: "planned"; message: string; plan: AutofixPlan };

/**
 * The first autofix step (docs/security.md, "Autofix"): which fixers answer PR `number`'s
 * failures. Runs no repository code and reads only through the API: the failing `labgate/*` checks
 * and the failed runs in `dispatch/state.json` at the PR head, and the fixers from
 * `.github/labgate.yml` on the default branch, never from the PR's own copy (a PR could name any
 * command there). Fork PRs get nothing, before any other read.
 */
export async function planAutofix(
  octokit: OctokitLike,
  repo: RepoRef,
  number: number,
): Promise<AutofixPlanResult> {
  const pr = await getPullRequest(octokit, repo, number);
  if (pr.fromFork)
    return {
      kind: "fork",
      message: `PR #${number} comes from a fork; auto-fix never runs fixers on or pushes for fork PRs.`,
    };
  const policy = await loadContext({ kind: "default-branch", octokit, repo });
  if (!policy.ok)
    return {
      kind: "config-invalid",
      message: `.github/labgate.yml on the default branch (${policy.ref}) is not valid, so no fixer runs; fix it there:\n${policy.message}`,
    };
  const { config } = policy;
  const failures = [
    ...(await failedGateChecks(octokit, repo, pr.headSha)),
    ...(await failedRunsIn(contentsWorkspace(octokit, repo, pr.headSha), config)),
  ];
  const fixers: FixerSpec[] = [...config.autofix.commands];
  if (config.autofix.normalize_definitions) fixers.push(NORMALIZE_DEFINITIONS);
  const planned = planFixers(fixers, failures);
  if (planned.length === 0)
    return {
      kind: "nothing-to-answer",
      headSha: pr.headSha,
      message: `no fixer answers the ${failures.length} failure(s) of PR #${number}; fixers declare what they answer in autofix.commands[].answers of the default branch's .github/labgate.yml.`,
    };
  return {
    kind: "planned",
    message: `${planned.length} fixer(s) from ${policy.ref}'s .github/labgate.yml answer ${failures.length} failure(s) of PR #${number}: ${planned.map((p) => p.fixer.name).join(", ")}`,
    plan: {
      pr: { number, headRef: pr.headRef, headSha: pr.headSha },
      definitions: config.definitions,
      planned,
    },
  };
}
