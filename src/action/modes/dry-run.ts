import type { ActionMode, ModeResult } from "../action-mode.js";
import { readPullRequestEvent } from "../read-pull-request-event.js";

/**
 * `dry-run`: the code-review gate with the scripts' `--dry-run`, on a GitHub-hosted runner only —
 * PR code never runs on a self-hosted GPU machine before approval (SPEC §6, §7).
 */
export const dryRunMode: ActionMode = {
  requires: [],
  async run({ inputs, env, cwd, octokit }): Promise<ModeResult> {
    if (env.runnerEnvironment === "self-hosted") {
      const message =
        "dry-run runs PR code and must run on a GitHub-hosted runner (runs-on: ubuntu-latest), never on a self-hosted one";
      return {
        outputs: {},
        summary: `## labgate dry-run: refused\n\n${message}\n`,
        failure: message,
      };
    }
    const event = await readPullRequestEvent(env.eventPath);
    const headSha = inputs.sha ?? event?.headSha;
    if (!headSha) {
      const message =
        "no commit to report on: run on a pull_request event or pass `sha:` (the PR's head SHA)";
      return { outputs: {}, summary: `## labgate dry-run\n\n${message}\n`, failure: message };
    }
    const { dryRunGate } = await import("../../operations/action/dry-run-gate.js");
    const { renderVerdictMarkdown } = await import("../../core/gates/render-verdict-markdown.js");
    const result = await dryRunGate(
      { octokit, repo: { owner: env.owner, repo: env.repo }, clock: () => new Date() },
      { cwd, headSha, fromFork: event?.fromFork ?? false, detailsUrl: env.runUrl },
    );
    const { verdict } = result;
    const where =
      result.reported === "fork: job status only"
        ? "This PR comes from a fork, whose token cannot write checks: the verdict is this job's status."
        : `Reported to the \`labgate/code-review\` check (${result.reported}).`;
    return {
      outputs: { conclusion: verdict.conclusion },
      summary: `${renderVerdictMarkdown(verdict)}\n\n${where}\n`,
      ...(verdict.conclusion === "failure"
        ? { failure: `labgate/code-review: ${verdict.label} — ${verdict.summary}` }
        : {}),
    };
  },
};
