import type { AutofixFailure } from "../core/autofix/autofix-failure.js";
import { collectFailures } from "../core/autofix/collect-failures.js";
import type { Config } from "../core/config/config-schema.js";
import { statePath } from "../core/paths/layout.js";
import { parseDispatchState } from "../core/state/parse-dispatch-state.js";
import type { OctokitLike } from "../github/octokit.js";
import type { Workspace } from "./workspace.js";

/**
 * The failing `labgate/*` checks on a commit, one failure per failure-level annotation (file and
 * line kept), or one per check when it has none. Read from the API so the autofix step needs no
 * file handed over from the gates job.
 */
export async function failedGateChecks(
  octokit: OctokitLike,
  repo: { owner: string; repo: string },
  sha: string,
): Promise<AutofixFailure[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    ...repo,
    ref: sha,
    per_page: 100,
  });
  const out: AutofixFailure[] = [];
  for (const run of runs) {
    if (!run.name.startsWith("labgate/") || run.conclusion !== "failure") continue;
    const kind = run.name.slice("labgate/".length);
    const base = { source: "gate" as const, kind, subject: run.name, url: run.html_url ?? "" };
    const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      ...repo,
      check_run_id: run.id,
      per_page: 100,
    });
    const blocking = annotations.filter((a) => a.annotation_level === "failure");
    if (blocking.length === 0)
      out.push({ ...base, message: run.output?.title ?? `${run.name} failed` });
    for (const a of blocking)
      out.push({ ...base, message: a.message ?? a.title ?? "", file: a.path, line: a.start_line });
  }
  return out;
}

/**
 * Failed and on-hold runs from `dispatch/state.json` in `workspace` (the PR head, through the
 * contents API); none when it is absent. `config` is the default branch's (its `dispatch_dir`).
 */
export async function failedRunsIn(
  workspace: Workspace,
  config: Config,
): Promise<AutofixFailure[]> {
  const path = statePath(config);
  const text = await workspace.readFile(path);
  if (text === undefined) return [];
  const parsed = parseDispatchState(path, text);
  if (!parsed.ok) throw new Error(parsed.message);
  return collectFailures({ runs: parsed.value.experiments });
}
