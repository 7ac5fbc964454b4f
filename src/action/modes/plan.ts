import { waveBudgetRefusal } from "../../core/budget/wave-budget.js";
import { statePath } from "../../core/paths/layout.js";
import { encodeWaveRuns, MAX_WAVE_RUNS_TEXT } from "../../core/plan/wave-runs.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import { readFileAtCommit } from "../../github/git-data-commit-base-file.js";
import { authorizeDispatch } from "../../operations/action/authorize-dispatch.js";
import { checkoutMismatch } from "../../operations/action/checkout-head.js";
import { dispatchInFlight } from "../../operations/action/dispatch-in-flight.js";
import { CHAIN_STOPPED } from "../../operations/action/dispatch-next-wave.js";
import { planWaveShards } from "../../operations/action/plan-shards.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { policyOnce } from "../../operations/load-context.js";
import { defineMode, type ModeResult } from "../action-mode.js";
import { encodePolicy } from "../policy-handoff.js";
import { diagnosticsList, markdownTable } from "../render-markdown.js";

/**
 * `plan`: the dispatch matrix (at most 256 shards) for the approved sha. The workflow's inputs
 * are whatever its dispatcher typed, so before planning anything it checks through the API that
 * `sha` is PR `pr`'s head, the PR is open and not from a fork, and (full phase) that the labgate
 * app recorded an approval of that (PR, SHA), or, in Actions mode, that the evidence behind a
 * `github-actions` record holds, gates recomputed from this checkout (`authorizeDispatch`); so it
 * first refuses a checkout at any other commit. A refusal plans nothing: `runs=0`, the job red with the reason.
 * The plan's config (runner pools, so every shard's `runs-on`; budget; timeouts) is the default
 * branch's `.github/labgate.yml` read through the API, never the checkout's; output `policy`
 * hands it to the run jobs (policy-handoff.ts).
 * A campaign longer than one job per machine runs in waves (docs/runners.md, "Waves"): the matrix
 * is the shards of input `wave` only (default 1), numbered 0..; a later wave is planned from what
 * is still to run in the results state the earlier waves committed at the PR head. Output
 * `wave-runs` hands the run and aggregate jobs which run is in which shard, so they plan nothing
 * themselves; `wave` and `waves` (expected in all) say where the campaign stands. A later wave
 * after `/cancel` (the approval closed) plans nothing and ends green, saying so.
 */
export const planMode = defineMode({
  requires: ["sha", "pr"],
  async run({ inputs, env, cwd, octokit, provider }) {
    const { sha } = inputs;
    const mismatch = await checkoutMismatch(cwd, sha);
    if (mismatch) return refuse(mismatch);
    // Loaded once for this step, when first needed: the authorization of an Actions-mode record
    // checks against it, and the plan is made with it.
    const loadPolicy = policyOnce({
      kind: "default-branch",
      octokit: octokit(),
      repo: { owner: env.owner, repo: env.repo },
    });
    const repo = { owner: env.owner, repo: env.repo };
    const authorized = await authorizeDispatch(octokit(), env, {
      pr: inputs.pr,
      sha,
      phase: inputs.phase,
      stage: inputs.stage,
      wave: inputs.wave,
      appSlug: inputs.appSlug,
      checkout: diskWorkspace(cwd),
      policy: loadPolicy,
      provider,
    });
    if (!authorized.ok) {
      // A later wave after `/cancel` (or once the approval closed): the chain stops here, as
      // asked; nothing is wrong, so the job ends green with the reason.
      if (inputs.wave > 1 && CHAIN_STOPPED.has(authorized.code))
        return {
          outputs: { runs: "0", shards: "0", wave: String(inputs.wave) },
          summary: `## labgate plan: wave ${inputs.wave} not started — the campaign was stopped\n\n${authorized.message}\n\nThe waves before it ran and their results are committed on the PR; nothing else runs.\n`,
        };
      return refuse(`refusing to plan: ${authorized.message}`);
    }
    const policy = await loadPolicy();
    if (!policy.ok)
      return refuse(
        `refusing to plan: .github/labgate.yml on the default branch \`${policy.ref}\` is not valid, and it decides the runner pools and the budget:\n${policy.message}\nFix it on \`${policy.ref}\` and re-run this workflow.`,
      );
    // One dispatch of an approval at a time (docs/security.md): a run started by hand while
    // another for the same PR, commit and phase is queued or running would plan the same runs
    // again, each against the same measured GPU-hours. Refused red, as any plan refusal: the app
    // leaves the approval as it is for a run whose plan step refused (plan-outcome-of-run.ts).
    const inFlight = await dispatchInFlight(
      octokit(),
      repo,
      policy.config.dispatch_workflow,
      policy.ref,
      { pr: inputs.pr, sha, phase: inputs.phase },
      Number(env.runId),
    );
    if (inFlight)
      return refuse(
        `refusing to plan: another dispatch of PR #${inputs.pr} at ${sha.slice(0, 7)} (${inputs.phase}) is ${inFlight.status === "in_progress" ? "running" : "queued"}: ${inFlight.html_url}. One dispatch of an approval runs at a time; this run plans nothing. The waves still to run are started by that run's aggregate job.`,
      );
    // A later wave is planned from what is still to run: the results state the earlier waves
    // committed, at the PR head the approval was checked at (the approved sha plus results-only
    // commits, authorize-dispatch.ts).
    let state: { commit: string; entries: StateEntry[] } | undefined;
    if (inputs.wave > 1) {
      const at = authorized.head.sha;
      const rel = statePath(policy.config);
      const text = await readFileAtCommit(octokit(), repo, rel, at);
      const parsed =
        text === undefined ? undefined : parseDispatchState(`${at.slice(0, 7)}:${rel}`, text);
      if (parsed && !parsed.ok)
        return refuse(
          `refusing to plan wave ${inputs.wave}: it is planned from the results state the earlier waves committed, and ${parsed.message}\nRepair ${rel} on the PR branch and re-run this workflow.`,
        );
      state = { commit: at, entries: parsed?.value.experiments ?? [] };
    }
    const planned = await planWaveShards({
      cwd,
      config: policy,
      sha,
      phase: inputs.phase,
      stage: inputs.stage,
      wave: inputs.wave,
      state,
      tmpDir: env.tempDir,
    });
    if (!planned.ok)
      return {
        outputs: { runs: "0", shards: "0" },
        summary: `## labgate plan: the campaign does not plan\n\n${diagnosticsList(planned.diagnostics)}\n`,
        failure: `the campaign at ${sha.slice(0, 7)} does not plan; see the job summary`,
      };
    const { wave, budget } = planned;
    const { plan } = wave;
    const handover = encodeWaveRuns(wave.handover);
    if (handover.length > MAX_WAVE_RUNS_TEXT)
      return refuse(
        `refusing to plan: the campaign at ${sha.slice(0, 7)} has ${wave.campaign.length} runs, too many to hand to the run jobs in one action input (${handover.length} characters of at most ${MAX_WAVE_RUNS_TEXT}); dispatch it in parts (one pilot stage at a time, or fewer experiments per PR).`,
      );
    const shards = wave.matrix.include;
    // The GPU-hour budget before each wave (docs/approval.md, "The budget"): measured so far plus
    // this wave's estimate; over it, the chain pauses until an approver gives a larger budget.
    const overBudget = waveBudgetRefusal({
      pr: inputs.pr,
      sha,
      phase: inputs.phase,
      wave: inputs.wave,
      approvedGpuHours: authorized.budgetGpuHours,
      policyGpuHours: budget,
      entries: state?.entries ?? [],
      waveGpuHours: shards.reduce((n, s) => n + s.gpu_hours, 0),
    });
    if (overBudget) return refuse(`refusing to plan wave ${inputs.wave}: ${overBudget}`);
    const later = inputs.wave > 1;
    const hours = Math.round(plan.gpu_hours * 100) / 100;
    const scope = inputs.stage ? `${inputs.phase} stage ${inputs.stage}` : inputs.phase;
    const first = inputs.wave - 1;
    const title =
      later && wave.runs === 0
        ? `## labgate plan: wave ${inputs.wave} — nothing left to run`
        : `## labgate plan: ${wave.runs} runs in ${shards.length} shard(s)${wave.waves > 1 ? `, wave ${inputs.wave} of ${wave.waves}` : ""}`;
    const summary = [
      title,
      "",
      `Phase **${scope}** at \`${sha}\`${inputs.pr ? ` (PR #${inputs.pr})` : ""}: ${hours} GPU-hours estimated${later ? " for the runs still to run" : ""}${
        budget === undefined ? "" : ` of a ${budget} GPU-hour budget`
      }.`,
      "",
      ...(later && state
        ? [
            `Planned from what is still to run: the results state at \`${state.commit.slice(0, 7)}\` (the PR head) holds a final entry for ${wave.finished} of the campaign's ${wave.campaign.length} runs (done, failed after their retries, stopped early or skipped: not run again); ${wave.again.length} lost or interrupted run(s) are planned again; ${plan.runs.length} run(s) are still to run.`,
            "",
          ]
        : []),
      ...(plan.waves.length > 1 || later
        ? [
            `The campaign is longer than one job per machine (dispatch.max_job_hours ${plan.max_job_hours} h), so it runs in ${wave.waves} waves (expected), each planned from what the waves before it left.`,
            "",
            markdownTable(
              ["wave", "shards", "runs", "GPU-hours", "expected hours"],
              plan.waves.map((w) => [
                w.wave === 1 ? `**${first + w.wave}** (this one)` : first + w.wave,
                w.shards.length,
                w.runs,
                w.gpu_hours,
                w.hours,
              ]),
            ),
            "",
          ]
        : []),
      shards.length > 0
        ? markdownTable(
            ["shard", "pool", "runs-on", "runs", "GPU-hours"],
            shards.map((s) => [s.shard, s.pool, s.runs_on.join(", "), s.runs, s.gpu_hours]),
          )
        : later
          ? "Every run of the campaign has a final entry: nothing to run."
          : "Nothing to run: no experiment matches this phase.",
      "",
    ].join("\n");
    return {
      outputs: {
        matrix: JSON.stringify(wave.matrix),
        runs: String(wave.runs),
        shards: String(shards.length),
        wave: String(inputs.wave),
        waves: String(wave.waves),
        "gpu-hours": String(hours),
        policy: encodePolicy(policy.config),
        "wave-runs": handover,
        "app-slug": inputs.appSlug,
      },
      summary,
    };
  },
});

function refuse(message: string): ModeResult {
  return {
    outputs: { runs: "0", shards: "0" },
    summary: `## labgate plan: refused\n\n${message}\n`,
    failure: message,
  };
}
