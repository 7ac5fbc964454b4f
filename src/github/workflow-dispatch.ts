import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/** GitHub's limits on `workflow_dispatch` inputs: 25 top-level keys, 65,535 characters in all. */
export const MAX_DISPATCH_INPUTS = 25;
export const MAX_DISPATCH_INPUTS_CHARS = 65_535;

export interface DispatchInputs {
  pr: number;
  sha: string;
  /** The dispatch workflow's phase; the gates workflow takes only `pr` and `sha`. */
  phase?: string;
  [key: string]: string | number | undefined;
}

/** Checks the inputs against GitHub's limits and labgate's own shapes; a message per problem. */
export function validateDispatchInputs(inputs: DispatchInputs): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(inputs.pr) || inputs.pr < 1)
    problems.push(`pr must be a PR number, got ${inputs.pr}`);
  if (!/^[0-9a-f]{40}$/.test(inputs.sha))
    problems.push(`sha must be a 40-character commit SHA, got "${inputs.sha}"`);
  if (inputs.phase !== undefined && !/^[a-z0-9:-]{1,32}$/.test(inputs.phase))
    problems.push(`phase "${inputs.phase}" is not a phase name`);
  const keys = Object.keys(inputs);
  if (keys.length > MAX_DISPATCH_INPUTS)
    problems.push(`${keys.length} inputs; GitHub accepts at most ${MAX_DISPATCH_INPUTS}`);
  const size = JSON.stringify(stringify(inputs)).length;
  if (size > MAX_DISPATCH_INPUTS_CHARS)
    problems.push(
      `inputs are ${size} characters; GitHub accepts at most ${MAX_DISPATCH_INPUTS_CHARS}`,
    );
  return problems;
}

function stringify(inputs: DispatchInputs): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  );
}

/**
 * Starts `workflowFile` on `ref` by `POST /repos/{o}/{r}/actions/workflows/{file}/dispatches`.
 * Inputs travel as strings (GitHub's rule); invalid inputs throw before any request.
 *
 * Sent once: Octokit's retry plugin would repeat the POST after a 5xx, but GitHub may have applied
 * a dispatch it answered 502 (the workflow would then run twice). A caller that tries again looks
 * for the dispatch run first (src/app/approval/dispatch-runs-for.ts).
 */
export async function dispatchWorkflow(
  octokit: OctokitLike,
  repo: RepoRef,
  workflowFile: string,
  ref: string,
  inputs: DispatchInputs,
): Promise<void> {
  const problems = validateDispatchInputs(inputs);
  if (problems.length > 0)
    throw new Error(`refusing to dispatch ${workflowFile}: ${problems.join("; ")}`);
  await octokit.rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: workflowFile,
    ref,
    inputs: stringify(inputs),
    // @octokit/plugin-retry's per-request option: `options.request.retries` overrides its default.
    request: { retries: 0 },
  });
}
