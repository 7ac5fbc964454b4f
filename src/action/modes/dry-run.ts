import { checkoutMismatch } from "../../operations/action/checkout-head.js";
import { defineMode, type ModeResult } from "../action-mode.js";

/**
 * `dry-run`: the code-review gate with the scripts' `--dry-run`, on a GitHub-hosted runner only —
 * PR code never runs on a self-hosted GPU machine before approval (docs/gates.md, docs/approval.md). It runs PR code,
 * so it makes no GitHub API call at all, whatever token the step was given: the verdict goes to
 * the job summary and the job's status, which the labgate app reads back from the default
 * branch's gates workflow run (docs/security.md, "The code-review dry-run").
 */
export const dryRunMode = defineMode({
  requires: ["sha"],
  async run({ inputs, env, cwd }): Promise<ModeResult> {
    if (env.runnerEnvironment === "self-hosted")
      return refuse(
        "dry-run runs PR code and must run on a GitHub-hosted runner (runs-on: ubuntu-latest), never on a self-hosted one",
      );
    const { sha } = inputs;
    const mismatch = await checkoutMismatch(cwd, sha);
    if (mismatch) return refuse(mismatch);
    const { dryRunGate } = await import("../../operations/action/dry-run-gate.js");
    const { renderVerdictMarkdown } = await import("../../core/gates/render-verdict-markdown.js");
    const verdict = await dryRunGate({ cwd });
    const pr = inputs.pr === undefined ? "" : ` of PR #${inputs.pr}`;
    const summary = [
      `## labgate/code-review dry-run${pr} at ${sha}`,
      "",
      renderVerdictMarkdown(verdict),
      "",
      "This job holds no token and posts nothing: the labgate app reads its status and reports it to the `labgate/code-review` check.",
      "",
    ].join("\n");
    return {
      outputs: { conclusion: verdict.conclusion },
      summary,
      ...(verdict.conclusion === "failure"
        ? { failure: `labgate/code-review: ${verdict.label} — ${verdict.summary}` }
        : {}),
    };
  },
});

function refuse(message: string): ModeResult {
  return { outputs: {}, summary: `## labgate dry-run: refused\n\n${message}\n`, failure: message };
}
