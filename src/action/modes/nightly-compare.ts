import { GitRepo } from "../../git/git-repo.js";
import { gitAuthConfig } from "../../git/git-settings.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import type { ActionMode, ModeResult } from "../action-mode.js";
import { configProblems } from "./config-problems.js";

/**
 * `nightly-compare` (docs/nightly.md): tonight's aggregated results (already in the checkout) against the
 * previous nights; writes `<results>/nightly/<date>/`, opens or updates the ONE draft PR from
 * `labgate/nightly`, and puts the same report in the job summary. A regression is reported, not
 * a red job: the `regressions` output lets a workflow decide otherwise.
 */
export const nightlyCompareMode: ActionMode = {
  requires: [],
  async run({ inputs, env, cwd, log, octokit }): Promise<ModeResult> {
    const git = GitRepo.open(cwd, {
      config: inputs.token ? gitAuthConfig(env.serverUrl, inputs.token) : [],
    });
    const sha = inputs.sha ?? (await git.head());
    // Loaded on use: vega and the chart code stay out of the other modes.
    const { nightlyCompare } = await import("../../operations/nightly-compare.js");
    const { data } = await octokit().rest.repos.get({ owner: env.owner, repo: env.repo });
    const campaign = await loadCampaign(diskWorkspace(cwd));
    const bad = configProblems("nightly-compare", campaign);
    if (bad) return bad;
    const r = await nightlyCompare(
      {
        octokit: octokit(),
        git,
        log,
        clock: () => new Date(),
        tmpDir: env.tempDir,
      },
      {
        cwd,
        owner: env.owner,
        repo: env.repo,
        defaultBranch: data.default_branch,
        sha,
        config: campaign.config,
        ...(campaign.loaded ? { loaded: campaign.loaded } : {}),
        runUrl: env.runUrl,
        serverUrl: env.serverUrl,
      },
    );
    return {
      outputs: {
        "pr-url": r.pr.url,
        regressions: String(r.report.regressions.length),
        "night-dir": r.nightDir,
      },
      summary: `${r.markdown}\nDraft PR: ${r.pr.url}\n${
        r.problems.length > 0
          ? `\nNights left out of the history:\n${r.problems.map((p) => `- ${p}`).join("\n")}\n`
          : ""
      }`,
    };
  },
};
