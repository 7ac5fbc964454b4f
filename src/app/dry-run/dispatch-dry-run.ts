import { type Failure, fail, messageOf } from "../../core/failure/failure.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchWorkflow } from "../../github/workflow-dispatch.js";
import type { PolicyContext } from "../../operations/load-context.js";
import type { EventDeps } from "../event-deps.js";

/** How the code-review dry-run of a PR head was started, or why it was not. */
export type DryRunDispatch =
  | { ok: true; workflow: string; ref: string }
  | Failure<"fork-pr" | "config-invalid" | "workflow-missing" | "workflow-not-dispatchable">;

/**
 * Dispatches the gates workflow for (pr, sha) on the default branch, the only copy of the workflow
 * a PR cannot edit (docs/security.md, "The code-review dry-run"). Its name and the branch come from
 * the default branch's `.github/labgate.yml` (`policy`, read once by the caller's piece of work). Fork PRs get no dry-run on this repository's
 * workflow. Expected failures are values with a code; anything else is rethrown.
 */
export async function dispatchDryRun(
  deps: EventDeps,
  t: { pr: number; headSha: string; fromFork: boolean },
  policy: PolicyContext,
): Promise<DryRunDispatch> {
  if (t.fromFork)
    return fail(
      "fork-pr",
      "This PR comes from a fork: labgate does not run a fork's `--dry-run`s in this repository's gates workflow, so code review covers the static checks only.",
    );
  if (!policy.ok)
    return fail(
      "config-invalid",
      `The dry-run was not started: .github/labgate.yml on the default branch \`${policy.ref}\` is invalid — fix it there:\n${policy.message}`,
      policy,
    );
  const workflow = policy.config.gates_workflow;
  const ref = policy.ref;
  try {
    await dispatchWorkflow(deps.octokit, deps.repo, workflow, ref, { pr: t.pr, sha: t.headSha });
  } catch (err) {
    const where = `.github/workflows/${workflow} on the default branch \`${ref}\``;
    if (httpStatus(err) === 404)
      return fail(
        "workflow-missing",
        `The dry-run was not started: ${where} was not found. Copy templates/workflows/labgate-gates.yml there (\`labgate init\`), or set \`gates_workflow\` in .github/labgate.yml to its file name.`,
        err,
      );
    if (httpStatus(err) === 422)
      return fail(
        "workflow-not-dispatchable",
        `The dry-run was not started: GitHub refused to dispatch ${where} (${messageOf(err)}). It needs \`on: workflow_dispatch\` with the inputs \`pr\` and \`sha\`, as in templates/workflows/labgate-gates.yml.`,
        err,
      );
    throw err;
  }
  return { ok: true, workflow, ref };
}
