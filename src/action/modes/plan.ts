import { waveMatrix } from "../../core/plan/plan-dispatch.js";
import { authorizeDispatch } from "../../operations/action/authorize-dispatch.js";
import { checkoutMismatch } from "../../operations/action/checkout-head.js";
import { planShards } from "../../operations/action/plan-shards.js";
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
 * A campaign longer than one job per machine runs in waves (docs/runners.md): the matrix is the
 * shards of input `wave` only (default 1), numbered as in the whole plan; outputs `wave` and
 * `waves` say where the campaign stands.
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
    if (!authorized.ok) return refuse(`refusing to plan: ${authorized.message}`);
    const policy = await loadPolicy();
    if (!policy.ok)
      return refuse(
        `refusing to plan: .github/labgate.yml on the default branch \`${policy.ref}\` is not valid, and it decides the runner pools and the budget:\n${policy.message}\nFix it on \`${policy.ref}\` and re-run this workflow.`,
      );
    const planned = await planShards({
      cwd,
      config: policy,
      phase: inputs.phase,
      stage: inputs.stage,
      tmpDir: env.tempDir,
    });
    if (!planned.ok)
      return {
        outputs: { runs: "0", shards: "0" },
        summary: `## labgate plan: the campaign does not plan\n\n${diagnosticsList(planned.diagnostics)}\n`,
        failure: `the campaign at ${sha.slice(0, 7)} does not plan; see the job summary`,
      };
    const { plan, budget } = planned;
    const waves = plan.waves.length;
    const matrix = waves === 0 && inputs.wave === 1 ? plan.matrix : waveMatrix(plan, inputs.wave);
    if (!matrix)
      return refuse(
        `refusing to plan wave ${inputs.wave}: the campaign at ${sha.slice(0, 7)} has ${waves} wave(s) of at most ${plan.max_job_hours} h (dispatch.max_job_hours)`,
      );
    const shards = matrix.include;
    const wave = plan.waves[inputs.wave - 1];
    const runs = wave?.runs ?? plan.runs.length;
    const hours = Math.round(plan.gpu_hours * 100) / 100;
    const scope = inputs.stage ? `${inputs.phase} stage ${inputs.stage}` : inputs.phase;
    const summary = [
      `## labgate plan: ${runs} runs in ${shards.length} shard(s)${waves > 1 ? `, wave ${inputs.wave} of ${waves}` : ""}`,
      "",
      `Phase **${scope}** at \`${sha}\`${inputs.pr ? ` (PR #${inputs.pr})` : ""}: ${hours} GPU-hours estimated${
        budget === undefined ? "" : ` of a ${budget} GPU-hour budget`
      }.`,
      "",
      ...(waves > 1
        ? [
            `The campaign is longer than one job per machine (dispatch.max_job_hours ${plan.max_job_hours} h), so it runs in ${waves} waves:`,
            "",
            markdownTable(
              ["wave", "shards", "runs", "GPU-hours", "expected hours"],
              plan.waves.map((w) => [
                w.wave === inputs.wave ? `**${w.wave}** (this one)` : w.wave,
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
        : "Nothing to run: no experiment matches this phase.",
      "",
    ].join("\n");
    return {
      outputs: {
        matrix: JSON.stringify(matrix),
        runs: String(runs),
        shards: String(shards.length),
        wave: String(inputs.wave),
        waves: String(waves),
        "gpu-hours": String(hours),
        policy: encodePolicy(policy.config),
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
