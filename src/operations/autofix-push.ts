import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AutofixFixResult } from "../core/autofix/autofix-handoff.js";
import { checkPatchPaths } from "../core/autofix/check-patch-paths.js";
import { autofixTitle, renderAutofixBody } from "../core/autofix/render-autofix-body.js";
import { GitRepo } from "../git/git-repo.js";
import { gitAuthConfig, NO_HOOKS } from "../git/git-settings.js";
import type { PullRequestInfo } from "../github/get-pull-request.js";
import type { OctokitLike } from "../github/octokit.js";
import { upsertPullRequest } from "../github/pull-requests.js";

export interface AutofixPushDeps {
  octokit: OctokitLike;
  log: { info(msg: string): void; warning(msg: string): void };
  tmpDir: string;
  /** `https://github.com` or the GHES host: the repository is `<serverUrl>/<owner>/<repo>.git`. */
  serverUrl: string;
  /** The token git pushes with (the app's installation token); given per command only. */
  token: string;
  /** git's environment (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface AutofixPushInput {
  owner: string;
  repo: string;
  /** The PR as the API gives it now (never as the fixer job's artifact says). */
  pr: PullRequestInfo;
  patch: string;
  result: AutofixFixResult;
  runUrl?: string;
}

export type AutofixPushResult =
  | { kind: "fork"; message: string }
  | { kind: "head-moved"; message: string }
  | { kind: "forbidden-path"; message: string; path: string }
  | { kind: "patch-does-not-apply"; message: string }
  | {
      kind: "pushed";
      message: string;
      branch: string;
      commit: string;
      branchExisted: boolean;
      pr: { action: "created" | "updated"; number: number; url: string };
    };

export const autofixBranch = (pr: number) => `labgate/autofix/${pr}`;

/**
 * The push step (docs/security.md, "Autofix"): applies the fixer job's patch to the PR head and
 * force-pushes `labgate/autofix/<pr>` (rebuilt on the PR head each time), then opens the PR into
 * the PR branch or updates the one it opened before. It runs nothing from the repository: the PR
 * head is fetched into a fresh temp repository that has no work tree (no file of the PR is ever
 * checked out, so no filter, hook or script of it can run), the patch goes through
 * `git apply --cached`, the commit is `git commit-tree`, hooks are off on every command, and the
 * token reaches git only as a per-command `-c http.<server>/.extraheader`, never .git/config.
 */
export async function pushAutofix(
  deps: AutofixPushDeps,
  input: AutofixPushInput,
): Promise<AutofixPushResult> {
  const { pr, result } = input;
  if (pr.fromFork)
    return {
      kind: "fork",
      message: `PR #${pr.number} comes from a fork; auto-fix never pushes for fork PRs.`,
    };
  if (result.pr.number !== pr.number || result.pr.headSha !== pr.headSha)
    return {
      kind: "head-moved",
      message: `the fixers ran on PR #${result.pr.number} at ${result.pr.headSha.slice(0, 12)}, but PR #${pr.number}'s head is now ${pr.headSha.slice(0, 12)}; nothing pushed (the next autofix run answers the new head).`,
    };
  const dir = await mkdtemp(join(deps.tmpDir, "labgate-autofix-push-"));
  const remote = `${deps.serverUrl.replace(/\/+$/, "")}/${input.owner}/${input.repo}.git`;
  try {
    const git = await GitRepo.initScratch(dir, {
      config: NO_HOOKS,
      env: deps.env ?? process.env,
    });
    // The token only on the commands that talk to the server, never in .git/config.
    const authed = git.withConfig(gitAuthConfig(deps.serverUrl, deps.token));
    await authed.fetch(remote, `+${pr.headSha}:refs/labgate/head`, { depth: 1 });
    const patchFile = join(dir, ".git", "labgate-autofix.patch");
    await writeFile(patchFile, input.patch);
    const paths = await git.patchPaths(patchFile).catch((err: Error) => err);
    if (paths instanceof Error)
      return {
        kind: "patch-does-not-apply",
        message: `the fixers' patch cannot be read: ${paths.message}`,
      };
    const check = checkPatchPaths(paths);
    if (!check.ok) return { kind: "forbidden-path", message: check.message, path: check.path };
    await git.readTree(pr.headSha);
    const applied = await git.applyToIndex(patchFile).catch((err: Error) => err);
    if (applied instanceof Error)
      return {
        kind: "patch-does-not-apply",
        message: `the fixers' patch does not apply to ${pr.headSha.slice(0, 12)}: ${applied.message}`,
      };
    const tree = await git.writeTree();
    const answered = result.outcomes.filter((o) => o.status === "changed").map((o) => o.name);
    const message = `${autofixTitle(pr.number)}\n\nFixers: ${answered.join(", ")}\n\nLabgate-Autofix-For: #${pr.number}\nLabgate-Source-Commit: ${pr.headSha}${input.runUrl ? `\nLabgate-Run: ${input.runUrl}` : ""}\n`;
    const commit = await git.commitTree(tree, pr.headSha, message);
    const branch = autofixBranch(pr.number);
    const existed = (await authed.remoteBranchSha(branch, remote)) !== undefined;
    // The branch is labgate's own and rebuilt on the PR's head every time: force is the update.
    await authed.push(commit, branch, { remote, force: true });
    const opened = await upsertPullRequest(deps.octokit, {
      owner: input.owner,
      repo: input.repo,
      head: branch,
      base: pr.headRef,
      title: autofixTitle(pr.number),
      body: renderAutofixBody({
        pr: pr.number,
        prBranch: pr.headRef,
        outcomes: result.outcomes,
        commit: pr.headSha,
        ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      }),
    });
    return {
      kind: "pushed",
      message: `${opened.action === "created" ? "opened" : "updated"} ${opened.url} from ${branch}`,
      branch,
      commit,
      branchExisted: existed,
      pr: { action: opened.action, number: opened.number, url: opened.url },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
