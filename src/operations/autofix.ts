import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import type { AutofixFailure } from "../core/autofix/autofix-failure.js";
import type { FixerOutcome } from "../core/autofix/fixer-outcome.js";
import { type FixerSpec, NORMALIZE_DEFINITIONS, planFixers } from "../core/autofix/plan-fixers.js";
import { autofixTitle, renderAutofixBody } from "../core/autofix/render-autofix-body.js";
import type { Config } from "../core/config/config-schema.js";
import type { OctokitLike } from "../github/octokit.js";
import { upsertPullRequest } from "../github/pull-requests.js";
import { runFixer } from "./autofix-run-fixer.js";
import { untrustedEnv } from "../exec/untrusted-env.js";
import {
  addWorktree,
  discardUnstaged,
  LABGATE_IDENTITY,
  remoteBranchExists,
  unstagedFiles,
} from "./autofix-worktree.js";

export interface AutofixDeps {
  octokit: OctokitLike;
  /** The repository checkout (its `origin` is the GitHub repo); only worktrees are written. */
  git: SimpleGit;
  log: { info(msg: string): void; warning(msg: string): void };
  tmpDir: string;
  /** The fixers' environment is built from this, minus credentials (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** `-c` settings for the worktree's git, e.g. `gitAuthConfig` (build `git` with the same). */
  gitConfig?: string[];
}

export interface AutofixInput {
  owner: string;
  repo: string;
  pr: { number: number; headRef: string; fromFork: boolean; headRepo?: string };
  failures: readonly AutofixFailure[];
  config: Config;
  runUrl?: string;
}

export type AutofixResult =
  | { kind: "fork"; message: string }
  | { kind: "nothing-to-answer"; message: string }
  | { kind: "no-change"; message: string; outcomes: FixerOutcome[] }
  | {
      kind: "pushed";
      message: string;
      outcomes: FixerOutcome[];
      branch: string;
      commit: string;
      branchExisted: boolean;
      pr: { action: "created" | "updated"; number: number; url: string };
    };

export const autofixBranch = (pr: number) => `labgate/autofix/${pr}`;

/**
 * SPEC §10: runs the fixers that answer the failures in a worktree of the PR branch; if they
 * changed anything, commits, force-pushes `labgate/autofix/<pr>` (rebuilt on the PR's latest head
 * each time) and opens the PR into the PR branch, or updates the one it opened before.
 * Fork PRs get nothing: their code is not run with a token that can push. A fixer that fails or
 * times out is reported and its partial changes are dropped; it is not retried.
 */
export async function autofix(deps: AutofixDeps, input: AutofixInput): Promise<AutofixResult> {
  const { pr } = input;
  if (pr.fromFork)
    return {
      kind: "fork",
      message: `PR #${pr.number} comes from ${pr.headRepo ?? "a fork"}; auto-fix never runs fixers on or pushes for fork PRs (SPEC §10).`,
    };
  const fixers: FixerSpec[] = [...input.config.autofix.commands];
  if (input.config.autofix.normalize_definitions) fixers.push(NORMALIZE_DEFINITIONS);
  const planned = planFixers(fixers, input.failures);
  if (planned.length === 0)
    return {
      kind: "nothing-to-answer",
      message: `no fixer answers the ${input.failures.length} failure(s) of PR #${pr.number}; fixers declare what they answer in autofix.commands[].answers.`,
    };

  const wt = await addWorktree(deps.git, {
    branch: pr.headRef,
    tmpDir: deps.tmpDir,
    ...(deps.gitConfig ? { config: deps.gitConfig } : {}),
  });
  try {
    const base = (await wt.git.revparse(["HEAD"])).trim();
    const env = untrustedEnv(deps.env ?? process.env);
    const outcomes: FixerOutcome[] = [];
    for (const [i, { fixer, answers }] of planned.entries()) {
      deps.log.info(`auto-fix: running "${fixer.name}" for ${answers.length} failure(s)`);
      const run = await runFixer(fixer, {
        cwd: wt.dir,
        env,
        definitionsPath: input.config.definitions,
        logFile: join(deps.tmpDir, `labgate-autofix-${pr.number}`, `${i + 1}.log`),
      });
      const files = await unstagedFiles(wt.git);
      if (!run.ok) {
        if (files.length > 0) await discardUnstaged(wt.git);
        deps.log.warning(`auto-fix: "${fixer.name}" ${run.detail}`);
      } else if (files.length > 0) await wt.git.raw(["add", "--all"]);
      outcomes.push({
        name: fixer.name,
        status: !run.ok
          ? run.timedOut
            ? "timed-out"
            : "failed"
          : files.length > 0
            ? "changed"
            : "unchanged",
        detail: run.detail,
        durationMs: run.durationMs,
        files: run.ok ? files : [],
        answers,
      });
    }
    if (!outcomes.some((o) => o.status === "changed"))
      return {
        kind: "no-change",
        message: `the fixers changed nothing on ${pr.headRef}; no PR.`,
        outcomes,
      };

    const branch = autofixBranch(pr.number);
    const answered = outcomes.filter((o) => o.status === "changed").map((o) => o.name);
    await wt.git.raw([
      ...LABGATE_IDENTITY,
      "commit",
      "--quiet",
      "--no-verify",
      "-m",
      `${autofixTitle(pr.number)}\n\nFixers: ${answered.join(", ")}\n\nLabgate-Autofix-For: #${pr.number}\nLabgate-Source-Commit: ${base}${input.runUrl ? `\nLabgate-Run: ${input.runUrl}` : ""}`,
    ]);
    const commit = (await wt.git.revparse(["HEAD"])).trim();
    const branchExisted = await remoteBranchExists(wt.git, branch);
    // The branch is labgate's own and rebuilt on the PR's head every time: force is the update.
    await wt.git.raw(["push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`]);
    const opened = await upsertPullRequest(deps.octokit, {
      owner: input.owner,
      repo: input.repo,
      head: branch,
      base: pr.headRef,
      title: autofixTitle(pr.number),
      body: renderAutofixBody({
        pr: pr.number,
        prBranch: pr.headRef,
        outcomes,
        commit: base,
        ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      }),
    });
    return {
      kind: "pushed",
      message: `${opened.action === "created" ? "opened" : "updated"} ${opened.url} from ${branch}`,
      outcomes,
      branch,
      commit,
      branchExisted,
      pr: { action: opened.action, number: opened.number, url: opened.url },
    };
  } finally {
    await wt.remove();
  }
}
