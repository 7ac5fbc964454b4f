import type { SimpleGit } from "simple-git";
import { asGitRepo, type GitRepo } from "./git-repo.js";

/** The commit checked out, full sha. */
export function headSha(git: SimpleGit | GitRepo): Promise<string> {
  return asGitRepo(git).head();
}

/**
 * Of `paths` (repo-relative), those with changes not committed: modified, staged, deleted, or
 * not tracked at all. Results must map to a commit, so the runner refuses to start when any file
 * its commands use is in this list.
 */
export function uncommittedFiles(
  git: SimpleGit | GitRepo,
  paths: readonly string[],
): Promise<string[]> {
  return asGitRepo(git).uncommittedFiles(paths);
}

/** Whether `sha` (full or an unambiguous prefix of 7+ characters) is the checked-out HEAD. */
export function shaMatches(head: string, sha: string): boolean {
  const s = sha.trim().toLowerCase();
  return s.length >= 7 && head.toLowerCase().startsWith(s);
}
