import { checkoutMismatch } from "../../operations/action/checkout-head.js";
import { planShards } from "../../operations/action/plan-shards.js";
import { pullRequestHead } from "../../operations/action/pull-request-head.js";
import type { ActionMode } from "../action-mode.js";
import { diagnosticsList, markdownTable } from "../render-markdown.js";

/**
 * `plan`: the dispatch matrix (at most 256 shards) for the approved sha. Refuses a checkout at
 * any other commit and PRs from forks, so nothing it plans reaches a self-hosted runner unvetted.
 */
export const planMode: ActionMode = {
  requires: ["sha"],
  async run({ inputs, env, cwd, octokit }) {
    const sha = inputs.sha as string;
    const mismatch = await checkoutMismatch(cwd, sha);
    if (mismatch) return refuse(mismatch);
    if (inputs.pr !== undefined) {
      const head = await pullRequestHead(octokit(), env, inputs.pr);
      if (head.fromFork)
        return refuse(
          `PR #${inputs.pr} comes from the fork ${head.headRepo}; PRs from forks are never dispatched to self-hosted runners (SPEC §7).`,
        );
    }
    const planned = await planShards({
      cwd,
      phase: inputs.phase,
      stage: inputs.stage,
      tmpDir: env.tempDir,
    });
    if (!planned.ok)
      return {
        outputs: {},
        summary: `## labgate plan: the campaign does not plan\n\n${diagnosticsList(planned.diagnostics)}\n`,
        failure: `the campaign at ${sha.slice(0, 7)} does not plan; see the job summary`,
      };
    const { plan, budget } = planned;
    const shards = plan.matrix.include;
    const hours = Math.round(plan.gpu_hours * 100) / 100;
    const scope = inputs.stage ? `${inputs.phase} stage ${inputs.stage}` : inputs.phase;
    const summary = [
      `## labgate plan: ${plan.runs.length} runs in ${shards.length} shard(s)`,
      "",
      `Phase **${scope}** at \`${sha}\`${inputs.pr ? ` (PR #${inputs.pr})` : ""}: ${hours} GPU-hours estimated${
        budget === undefined ? "" : ` of a ${budget} GPU-hour budget`
      }.`,
      "",
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
        matrix: JSON.stringify(plan.matrix),
        runs: String(plan.runs.length),
        shards: String(shards.length),
        "gpu-hours": String(hours),
      },
      summary,
    };
  },
};

function refuse(message: string) {
  return { outputs: {}, summary: `## labgate plan: refused\n\n${message}\n`, failure: message };
}
