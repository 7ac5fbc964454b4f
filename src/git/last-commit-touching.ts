import type { SimpleGit } from "simple-git";
import { asGitRepo, type CommitInfo, type GitRepo } from "./git-repo.js";

export type { CommitInfo } from "./git-repo.js";

/** The newest commit on HEAD that changed `path`, or undefined (never committed, or no commits). */
export function lastCommitTouching(
  git: SimpleGit | GitRepo,
  path: string,
): Promise<CommitInfo | undefined> {
  return asGitRepo(git).lastCommitTouching(path);
}

/** True when the working tree's `path` differs from its content at `sha`. */
export function differsFrom(git: SimpleGit | GitRepo, sha: string, path: string): Promise<boolean> {
  return asGitRepo(git).differsFrom(sha, path);
}
