import { interrupted } from "../../core/plan/still-to-run.js";
import { GitRepo } from "../../git/git-repo.js";
import { dispatchNextWave } from "../../operations/action/dispatch-next-wave.js";
import { pullRequestHead } from "../../operations/action/pull-request-head.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadContext } from "../../operations/load-context.js";
import { defineMode, type ModeResult } from "../action-mode.js";
import { markdownTable } from "../render-markdown.js";

/**
 * `aggregate` (GitHub-hosted runner, `if: always()`): every shard's artifact merged, the docs/results.md
 * outputs committed as ONE commit to the PR branch with the provenance trailers. It re-plans with
 * the default branch's `.github/labgate.yml` read through the API, as the plan job did, never
 * the checkout's, and takes this wave's shards from input `wave-runs` (the plan job's hand-over).
 * A campaign in waves (docs/runners.md, "Waves"): once the results are committed it starts the
 * next wave, only while the approval still holds for it (after a `/cancel` it starts nothing and
 * says so), and not when no run of this wave reported back (the next would plan them again).
 */
export const aggregateMode = defineMode({
  requires: ["sha"],
  async run({ inputs, env, cwd, log, octokit, artifacts, provider }): Promise<ModeResult> {
    const repo = { owner: env.owner, repo: env.repo };
    let branch = inputs.branch;
    if (!branch) {
      if (inputs.pr === undefined)
        return refuse("aggregate needs `branch:` or `pr:` to know where to commit the results");
      const head = await pullRequestHead(octokit(), repo, inputs.pr);
      if (head.fromFork)
        return refuse(
          `PR #${inputs.pr} comes from the fork ${head.headRepo}; labgate never commits to forks`,
        );
      branch = head.ref;
    }
    const runAttempt = Number(env.runAttempt);
    if (!Number.isSafeInteger(runAttempt) || runAttempt < 1)
      return refuse(
        `GITHUB_RUN_ATTEMPT is ${JSON.stringify(env.runAttempt)}, not an attempt number; aggregate takes each shard's artifact of this attempt or an earlier one, so it must know which attempt this is`,
      );
    const policy = await loadContext({ kind: "default-branch", octokit: octokit(), repo });
    if (!policy.ok)
      return refuse(
        `.github/labgate.yml on the default branch \`${policy.ref}\` is not valid, and the plan is made with it:\n${policy.message}\nFix it on \`${policy.ref}\` and re-run this job.`,
      );
    const { aggregateShards } = await import("../../operations/action/aggregate-shards.js");
    const r = await aggregateShards(
      {
        git: GitRepo.open(cwd),
        octokit: octokit(),
        repo,
        artifacts: artifacts(),
        log: { info: log.info, warn: log.warning },
        clock: () => new Date(),
      },
      {
        cwd,
        sha: inputs.sha,
        branch,
        phase: inputs.phase,
        stage: inputs.stage,
        wave: inputs.wave,
        runUrl: env.runUrl,
        artifactPrefix: inputs.artifactPrefix,
        tmpDir: env.tempDir,
        maxAttempts: inputs.maxAttempts,
        runAttempt,
        config: { ok: true, config: policy.config },
        waveRuns: inputs.waveRuns,
      },
    );
    if (r.refused) return refuse(r.refused);
    const counts = Object.entries(r.counts)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    const notDone = r.entries.filter((e) => e.status !== "done");
    const next = inputs.wave + 1;
    // The next wave starts once this wave's results are committed; a re-run of this job whose
    // first attempt started it starts nothing twice (dispatchNextWave looks for the run first).
    let waveLine = "";
    let waveFailure: string | undefined;
    if (r.waves > inputs.wave) {
      const left = `the runs of wave(s) ${next}-${r.waves} have not run yet`;
      if (r.commitError)
        waveLine = `${left}; wave ${next} starts once this wave's results are committed (re-run this job).`;
      else if (inputs.pr === undefined)
        waveLine = `${left}; without the \`pr\` input labgate cannot start wave ${next}: dispatch \`${policy.config.dispatch_workflow}\` with \`wave: ${next}\` by hand.`;
      else if (r.entries.length > 0 && r.entries.every(interrupted)) {
        // Nothing of this wave reported back: wave N+1 would plan the same runs again, and so on.
        waveFailure = `no run of wave ${inputs.wave} reported back (${r.lostRuns.length} lost), so labgate does not start wave ${next}, which would plan them again`;
        waveLine = `**${waveFailure}.** Check the runners of the shards above, then dispatch \`${policy.config.dispatch_workflow}\` with \`wave: ${next}\` by hand.`;
      } else {
        const pr = inputs.pr;
        const started = await dispatchNextWave(
          octokit(),
          repo,
          {
            pr,
            sha: inputs.sha,
            phase: inputs.phase,
            stage: inputs.stage,
            wave: next,
            workflow: policy.config.dispatch_workflow,
            ref: policy.ref,
            runId: Number(env.runId),
          },
          // The check the next wave's plan step makes: after a /cancel, nothing is started.
          async () =>
            (await import("../../operations/action/authorize-dispatch.js")).authorizeDispatch(
              octokit(),
              repo,
              {
                pr,
                sha: inputs.sha,
                phase: inputs.phase,
                stage: inputs.stage,
                wave: next,
                appSlug: inputs.appSlug,
                checkout: diskWorkspace(cwd),
                policy: async () => policy,
                provider,
              },
            ),
        );
        if (started.ok && started.started === "stopped")
          waveLine = `wave ${next} was not started: the campaign was stopped. ${started.message}`;
        else if (started.ok && started.started === "before")
          waveLine = `wave ${next} was started already, by an earlier attempt of this job (${started.runUrl}).`;
        else if (started.ok)
          waveLine = `Started wave ${next} (\`${policy.config.dispatch_workflow}\` on \`${policy.ref}\`, input \`wave: ${next}\`); its plan checks the approval again.`;
        else {
          waveLine = `**${started.message}** Dispatch \`${policy.config.dispatch_workflow}\` with \`wave: ${next}\` by hand.`;
          waveFailure = started.message;
        }
      }
      waveLine = `This was wave ${inputs.wave} of ${r.waves} (docs/runners.md, "Waves"): ${waveLine}`;
    }
    const commitLine = r.commitError
      ? `**The results commit failed:** ${r.commitError.message} The runs' outputs are in the shard artifacts; re-run this job.`
      : r.commit?.sha
        ? `Committed ${r.files.length} file(s) to \`${branch}\` as ${r.commit.sha} in ${r.commit.requests} API requests (${r.commit.attempts} attempt(s)).`
        : `The results on \`${branch}\` are already up to date; nothing to commit.`;
    const summary = [
      `## labgate aggregate: ${r.entries.length} runs from ${r.shards} shard(s)${counts ? ` — ${counts}` : ""}`,
      "",
      commitLine,
      ...(waveLine ? ["", waveLine] : []),
      ...(r.lostShards.length > 0
        ? [
            "",
            `**Shard(s) ${r.lostShards.join(", ")} uploaded nothing**: their runs are failed (shard lost).`,
          ]
        : []),
      ...(r.warnings.length > 0 ? ["", ...r.warnings.map((w) => `> ${w.split("\n")[0]}`)] : []),
      "",
      notDone.length > 0
        ? markdownTable(
            ["run", "status", "shard", "reason"],
            notDone.map((e) => [e.id, e.status, e.shard ?? "", e.reason ?? ""]),
          )
        : "Every run ended done.",
      "",
    ].join("\n");
    return {
      outputs: {
        runs: String(r.entries.length),
        failed: String(notDone.length),
        commit: r.commit?.sha ?? "",
      },
      summary,
      ...(r.commitError
        ? { failure: `the results commit failed: ${r.commitError.message}` }
        : waveFailure
          ? { failure: waveFailure }
          : {}),
    };
  },
});

function refuse(message: string): ModeResult {
  return {
    outputs: {},
    summary: `## labgate aggregate: refused\n\n${message}\n`,
    failure: message,
  };
}
