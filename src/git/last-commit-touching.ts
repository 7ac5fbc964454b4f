import type { SimpleGit } from "simple-git";

export interface CommitInfo {
  sha: string;
  message: string;
}

/** The newest commit on HEAD that changed `path`, or undefined (never committed, or no commits). */
export async function lastCommitTouching(
  git: SimpleGit,
  path: string,
): Promise<CommitInfo | undefined> {
  let out: string;
  try {
    out = await git.raw(["log", "-1", "--format=%H%x00%B", "--", path]);
  } catch (err) {
    if (
      /does not have any commits|bad default revision|unknown revision/i.test(
        String((err as Error).message),
      )
    )
      return undefined;
    throw err;
  }
  const nul = out.indexOf("\u0000");
  if (nul < 0) return undefined;
  return { sha: out.slice(0, nul).trim(), message: out.slice(nul + 1) };
}

/** True when the working tree's `path` differs from its content at `sha`. */
export async function differsFrom(git: SimpleGit, sha: string, path: string): Promise<boolean> {
  const out = await git.raw(["diff", "--name-only", sha, "--", path]);
  return out.trim() !== "";
}
