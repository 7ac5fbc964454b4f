import type { SimpleGit } from "simple-git";

/** True when `sha` names a commit in this repository's object store. */
export async function commitExists(git: SimpleGit, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{4,64}$/i.test(sha)) return false;
  try {
    await git.raw(["cat-file", "-e", `${sha}^{commit}`]);
    return true;
  } catch {
    // cat-file -e answers only by its exit status: non-zero means "no such commit".
    return false;
  }
}
