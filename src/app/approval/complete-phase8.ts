import { gpuHoursText } from "../../core/budget/budget-pause.js";
import { measuredGpuHours } from "../../core/budget/measured-gpu-hours.js";
import { parseAggregated } from "../../core/nightly/parse-aggregated.js";
import { RESULTS_FILES, resultsFilePath, statePath } from "../../core/paths/layout.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import {
  type ApprovalRecord,
  approvalRecordCheck,
  approvedBudget,
  encodeApproval,
  holds,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import {
  type CheckConclusion,
  createCheckRun,
  listCheckRuns,
  updateCheckRun,
} from "../../github/check-runs.js";
import { contentsWorkspace } from "../../github/contents-workspace.js";
import { getPullRequest } from "../../github/get-pull-request.js";
import type { LabgateContext } from "../../operations/load-context.js";
import { wavesOfApproval, withWavesSection } from "../dashboard/show-waves.js";
import type { EventDeps } from "../event-deps.js";
import { approvalsIn, type FoundApproval, latestApproval } from "./find-approval.js";
import { pausePhase8 } from "./pause-phase8.js";
import { planOutcomeOfRun } from "./plan-outcome-of-run.js";
import { renderPhase8Results } from "./render-phase8-results.js";

export interface FinishedDispatch {
  runId: number;
  runUrl: string;
  /** The PR and the approved commit the run names (its title: dispatch-run-title.ts). */
  pr: number;
  /** The commit the dispatch ran: its `labgate/phase8` check run holds the approval. */
  sha: string;
  /** The wave its title names; 1 when it names none. */
  wave?: number;
  conclusion: string | null;
}

/** The standing approval a finished dispatch ran for: this app's record for (PR, SHA) on that SHA. */
export async function approvalForDispatch(
  deps: EventDeps,
  run: FinishedDispatch,
): Promise<ApprovalRecord | undefined> {
  const found = await latestApproval(deps, run.sha, run.pr);
  return holds(found?.record) && found.record.sha === run.sha ? found.record : undefined;
}

/**
 * Completes `labgate/phase8` once the dispatch workflow finished: reads the results the aggregate
 * step committed at the PR head and writes the table and the conclusion on every check run that
 * carries the approval (the approved commit and, after a results commit, the head). Where results
 * live is policy: the default branch's config (`policy`, loaded once by the caller's piece of
 * work), not the PR's. Only a run that carried the campaign counts (`planOutcomeOfRun`, docs/approval.md):
 * - its plan job authorized it: the approval completes with the run's conclusion;
 * - its plan step paused the chain of waves for the budget, in labgate's own words: the approval
 *   stays open, paused (`pausePhase8`), and `action_required` is returned;
 * - its plan step refused for any other reason: anyone who can run a workflow by hand can make
 *   such a run, so the approval is left as it is, with a log line, and undefined is returned.
 */
export async function completePhase8(
  deps: EventDeps,
  record: ApprovalRecord,
  run: FinishedDispatch,
  policy: LabgateContext<string>,
): Promise<CheckConclusion | undefined> {
  const outcome = await planOutcomeOfRun(deps.octokit, deps.repo, run, {
    pr: record.pr,
    wave: run.wave ?? 1,
  });
  if (outcome.kind === "refused") {
    deps.log.info(
      `workflow run ${run.runId} for PR #${record.pr} at ${record.sha} did not carry the approval (${outcome.why}); labgate/phase8 is left as it is`,
    );
    return undefined;
  }
  const pr = await getPullRequest(deps.octokit, deps.repo, record.pr);
  // A wave stopped at its plan step for the budget: the approval stays open, paused, and asks for
  // a larger budget (pause-phase8.ts) instead of completing.
  if (outcome.kind === "paused") {
    await pausePhase8(deps, record, outcome.pause, run, pr.headSha);
    return "action_required";
  }
  const { config } = policy;
  const resultsDir = config.results_dir;
  const ws = contentsWorkspace(deps.octokit, deps.repo, pr.headSha);
  const aggregatedPath = resultsFilePath(config, RESULTS_FILES.aggregatedJson);
  const stateFile = statePath(config);
  // The definitions plan the waves shown at the end (a results commit keeps the approved ones).
  await ws.prefetch([aggregatedPath, stateFile, config.definitions]);
  const [aggText, stateText] = [await ws.readFile(aggregatedPath), await ws.readFile(stateFile)];
  const agg = aggText === undefined ? undefined : parseAggregated(aggregatedPath, aggText);
  const state = stateText === undefined ? undefined : parseDispatchState(stateFile, stateText);
  const conclusion: CheckConclusion =
    run.conclusion === "success"
      ? "success"
      : run.conclusion === "cancelled"
        ? "cancelled"
        : "failure";
  const summary = renderPhase8Results({
    runUrl: run.runUrl,
    conclusion: run.conclusion ?? "unknown",
    sha: record.sha,
    approvedBy: record.by,
    rows: agg?.ok ? agg.rows : [],
    ...(agg?.ok && agg.hypotheses ? { hypotheses: agg.hypotheses } : {}),
    ...(agg && !agg.ok ? { problem: agg.message } : {}),
    runs: state?.ok ? state.value.experiments.filter((e) => e.phase === "full") : [],
    resultsDir,
  });
  const shas = [...new Set([record.sha, pr.headSha])];
  const onShas: FoundApproval[][] = [];
  for (const sha of shas)
    onShas.push(
      approvalsIn(
        await listCheckRuns(deps.octokit, deps.repo, sha, PHASE8_CHECK),
        deps.trust,
        record.pr,
      ),
    );
  // The budget the approval ended with (a raise is a newer record), against what was measured.
  const budget = approvedBudget(
    onShas
      .flat()
      .map((a) => a.record)
      .filter((r) => r.sha === record.sha && holds(r)),
  );
  const waves = await wavesOfApproval(
    deps,
    ws,
    record,
    { kind: "completed", by: record.by, sha: record.sha, conclusion },
    policy,
  );
  const measured = state?.ok ? measuredGpuHours(state.value.experiments, record.sha) : undefined;
  const done = { ...record, state: "completed" as const };
  const output = {
    status: "completed" as const,
    conclusion,
    title: `Dispatch ${run.conclusion ?? "finished"}${agg?.ok ? ` — ${agg.rows.length} result rows` : ""}`,
    summary: withWavesSection(
      `${summary}${measured === undefined ? "" : `\n\nGPU-hours measured: ${gpuHoursText(measured)}${budget === undefined ? " (no budget set)" : ` of the approved budget of ${gpuHoursText(budget)}`}.`}`,
      waves,
    ),
    external_id: encodeApproval(done),
    details_url: run.runUrl,
  };
  for (const [i, sha] of shas.entries()) {
    const onSha = onShas[i] as FoundApproval[];
    // A `dispatching` record whose run finished before its own update landed is completed too.
    const open = onSha.filter(
      (a) =>
        a.record.sha === record.sha &&
        (a.record.state === "approved" || a.record.state === "dispatching"),
    );
    for (const a of open)
      await updateCheckRun(deps.octokit, deps.repo, a.check.id, output, deps.clock());
    // The results commit may land before labgate saw its push; a head that voided the approval
    // (code pushed during the dispatch) gets nothing.
    if (onSha.length === 0 && sha !== record.sha)
      await createCheckRun(
        deps.octokit,
        deps.repo,
        { ...approvalRecordCheck(sha, done), ...output },
        deps.clock(),
      );
  }
  return conclusion;
}
