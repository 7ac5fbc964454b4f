import { simpleGit } from "simple-git";
import { getPullRequest } from "../../github/get-pull-request.js";
import { gitAuthConfig } from "../../operations/autofix-worktree.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import type { ActionMode, ModeResult } from "../action-mode.js";
import { markdownTable } from "../render-markdown.js";
import { configProblems } from "./config-problems.js";

/**
 * `autofix` (SPEC §10): after failed gates or runs of PR `pr`, runs the fixers that answer them in
 * a worktree of the PR branch and opens or updates the PR from `labgate/autofix/<pr>`. Give it the
 * app's installation token (actions/create-github-app-token) so the fix PR's own checks run: pushes
 * made with GITHUB_TOKEN start no workflows. Never for fork PRs.
 */
export const autofixMode: ActionMode = {
  requires: ["pr"],
  async run({ inputs, env, cwd, log, octokit }): Promise<ModeResult> {
    const repo = { owner: env.owner, repo: env.repo };
    const gitConfig = inputs.token ? gitAuthConfig(env.serverUrl, inputs.token) : [];
    const number = inputs.pr as number;
    // Loaded on use, so the other modes do not parse the fixer and worktree code.
    const { autofix } = await import("../../operations/autofix.js");
    const { failedGateChecks, failedRunsInCheckout } = await import(
      "../../operations/autofix-failures.js"
    );
    const pr = await getPullRequest(octokit(), repo, number);
    const campaign = await loadCampaign(diskWorkspace(cwd));
    const bad = configProblems("autofix", campaign);
    if (bad) return bad;
    const failures = pr.fromFork
      ? []
      : [
          ...(await failedGateChecks(octokit(), repo, pr.headSha)),
          ...(await failedRunsInCheckout(cwd, campaign.config)),
        ];
    const r = await autofix(
      {
        octokit: octokit(),
        git: simpleGit({ baseDir: cwd, config: gitConfig }),
        log,
        tmpDir: env.tempDir,
        gitConfig,
      },
      {
        ...repo,
        pr: { number, headRef: pr.headRef, fromFork: pr.fromFork },
        failures,
        config: campaign.config,
        runUrl: env.runUrl,
      },
    );
    const lines = [`## labgate autofix for #${number}: ${r.kind}`, "", r.message, ""];
    if (r.kind === "pushed" || r.kind === "no-change")
      lines.push(
        markdownTable(
          ["fixer", "result", "files", "details"],
          r.outcomes.map((o) => [o.name, o.status, o.files.join(", ") || "—", o.detail || "—"]),
        ),
        "",
      );
    return {
      outputs: {
        autofix: r.kind,
        "pr-url": r.kind === "pushed" ? r.pr.url : "",
      },
      summary: lines.join("\n"),
    };
  },
};
