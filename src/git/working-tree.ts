import type { SimpleGit } from "simple-git";

/** The commit checked out, full sha. */
export async function headSha(git: SimpleGit): Promise<string> {
  return (await git.revparse(["HEAD"])).trim();
}

/**
 * Of `paths` (repo-relative), those with changes not committed: modified, staged, deleted, or
 * not tracked at all. Results must map to a commit, so the runner refuses to start when any file
 * its commands use is in this list.
 */
export async function uncommittedFiles(
  git: SimpleGit,
  paths: readonly string[],
): Promise<string[]> {
  if (paths.length === 0) return [];
  const status = await git.status(["--porcelain", "--untracked-files=all", "--", ...paths]);
  return [...new Set(status.files.map((f) => f.path))].sort();
}

/** Whether `sha` (full or an unambiguous prefix of 7+ characters) is the checked-out HEAD. */
export function shaMatches(head: string, sha: string): boolean {
  const s = sha.trim().toLowerCase();
  return s.length >= 7 && head.toLowerCase().startsWith(s);
}
