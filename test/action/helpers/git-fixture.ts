import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "../../helpers/temp-dir.js";

export const GIT_ENV = {
  GIT_AUTHOR_NAME: "Ada",
  GIT_AUTHOR_EMAIL: "ada@example.com",
  GIT_COMMITTER_NAME: "Ada",
  GIT_COMMITTER_EMAIL: "ada@example.com",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV },
    maxBuffer: 256 * 1024 * 1024,
  }).trim();
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export interface RepoFixture {
  bare: string;
  work: string;
  /** The head commit of `branch` after setup. */
  head: string;
}

/** A bare "GitHub" repo and a clone whose `branch` holds `files` in one commit, pushed. */
export function repoWithBranch(files: Record<string, string>, branch = "pr-1"): RepoFixture {
  const bare = join(tempDir("labgate-bare-"), "repo.git");
  git(dirname(bare), "init", "-q", "--bare", "-b", "main", bare);
  const work = tempDir("labgate-work-");
  git(work, "init", "-q", "-b", branch);
  writeFiles(work, files);
  git(work, "add", "-A");
  git(work, "commit", "-qm", "experiment code");
  git(work, "remote", "add", "origin", bare);
  git(work, "push", "-q", "origin", `${branch}:${branch}`, `${branch}:main`);
  return { bare, work, head: git(work, "rev-parse", "HEAD") };
}

/** Pushes one more commit to `branch` from a separate clone: someone else's concurrent push. */
export function pushFromElsewhere(
  bare: string,
  branch: string,
  path: string,
  content: string,
): string {
  const other = tempDir("labgate-other-");
  git(other, "clone", "-q", "--branch", branch, bare, ".");
  writeFiles(other, { [path]: content });
  git(other, "add", "-A");
  git(other, "commit", "-qm", `someone else: ${path}`);
  git(other, "push", "-q", "origin", branch);
  return git(other, "rev-parse", "HEAD");
}
