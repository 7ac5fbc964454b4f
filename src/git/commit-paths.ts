import type { SimpleGit } from "simple-git";
import { asGitRepo, type GitRepo } from "./git-repo.js";

/**
 * Commits exactly `paths` with `message`, by the repository's identity or, where none is
 * configured, by labgate's; returns the sha, or undefined when they hold no change. See
 * GitRepo.commitPaths for `exclude` and `equivalent`.
 */
export function commitPaths(
  git: SimpleGit | GitRepo,
  paths: readonly string[],
  message: string,
  opts: {
    exclude?: readonly string[];
    equivalent?: (before: string, after: string) => boolean;
  } = {},
): Promise<string | undefined> {
  return asGitRepo(git).commitPaths(paths, message, opts);
}
