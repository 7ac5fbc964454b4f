import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";

/** Who labgate's own commits (auto-fix, nightly) are by; GitHub shows the bot for this address. */
export const LABGATE_IDENTITY = [
  "-c",
  "user.name=labgate[bot]",
  "-c",
  "user.email=labgate[bot]@users.noreply.github.com",
  "-c",
  "commit.gpgsign=false",
];

/**
 * `-c` settings for git in a repository that repository code has touched: no hook runs (a fixer
 * can plant `.git/hooks/*` or set `core.hooksPath`) and no fsmonitor command either.
 */
export const NO_HOOKS = ["core.hooksPath=/dev/null", "core.fsmonitor=false"];

/** git in `baseDir` with `config` (e.g. NO_HOOKS), which simple-git refuses unless told it is meant. */
export function configuredGit(baseDir: string, config: readonly string[]): SimpleGit {
  return simpleGit({
    baseDir,
    config: [...config],
    unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true },
  });
}

export interface Worktree {
  dir: string;
  git: SimpleGit;
  /** Removes the worktree and its registration; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A detached `git worktree` of `origin/<branch>` (fetched first) or of a commit, in a fresh temp
 * dir, so fixers and nightly commits never touch the user's checkout, its index or its branch.
 */
export async function addWorktree(
  repo: SimpleGit,
  opts: { tmpDir: string; config?: string[] } & ({ branch: string } | { commit: string }),
): Promise<Worktree> {
  let ref: string;
  if ("branch" in opts) {
    await repo.raw([
      "fetch",
      "--quiet",
      "origin",
      `+refs/heads/${opts.branch}:refs/remotes/origin/${opts.branch}`,
    ]);
    ref = `refs/remotes/origin/${opts.branch}`;
  } else ref = opts.commit;
  const dir = await mkdtemp(join(opts.tmpDir, "labgate-worktree-"));
  await repo.raw(["worktree", "add", "--detach", "--quiet", dir, ref]);
  let removed = false;
  return {
    dir,
    git: configuredGit(dir, opts.config ?? []),
    async remove() {
      if (removed) return;
      removed = true;
      await repo.raw(["worktree", "remove", "--force", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await repo.raw(["worktree", "prune"]).catch(() => undefined);
    },
  };
}

/** Files that differ from the index: modified, deleted, or new and not ignored. */
export async function unstagedFiles(git: SimpleGit): Promise<string[]> {
  const changed = await git.raw(["diff", "--name-only"]);
  const added = await git.raw(["ls-files", "--others", "--exclude-standard"]);
  return [...new Set(`${changed}\n${added}`.split("\n").filter((l) => l.trim() !== ""))].sort();
}

/** Throws away what the last fixer did (back to the index), keeping earlier fixers' staged work. */
export async function discardUnstaged(git: SimpleGit): Promise<void> {
  await git.raw(["checkout", "--", "."]);
  await git.raw(["clean", "-fdq"]);
}

/** Whether the remote has `branch` (so a push updates it rather than creating it). */
export async function remoteBranchExists(git: SimpleGit, branch: string): Promise<boolean> {
  const out = await git.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`]);
  return out.trim() !== "";
}

/** Fetches `branch` into `refs/remotes/origin/<branch>`; returns its sha, or undefined when the remote has no such branch. */
export async function fetchBranchIfExists(
  git: SimpleGit,
  branch: string,
): Promise<string | undefined> {
  const out = await git.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`]);
  const sha = out.trim().split(/\s+/)[0];
  if (!sha) return undefined;
  await git.raw([
    "fetch",
    "--quiet",
    "origin",
    `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
  ]);
  return sha;
}

/**
 * `-c` settings that let git fetch and push over HTTPS with `token`: an
 * `http.<server>/.extraheader`, given per command, so the token is never written to .git/config
 * (the checkout keeps `persist-credentials: false`) and never reaches the fixers' processes.
 */
export function gitAuthConfig(serverUrl: string, token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return [`http.${serverUrl.replace(/\/+$/, "")}/.extraheader=AUTHORIZATION: basic ${basic}`];
}
