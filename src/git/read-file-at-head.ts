import type { SimpleGit } from "simple-git";

/**
 * A file's content in the last commit (`git show HEAD:<path>`), or undefined when the repo has no
 * commit yet or the file was not in it. Other git failures are rethrown.
 */
export async function readFileAtHead(git: SimpleGit, path: string): Promise<string | undefined> {
  const rel = path.replace(/^\.\//, "");
  try {
    return await git.show([`HEAD:${rel}`]);
  } catch (err) {
    const msg = String((err as Error).message);
    if (
      /does not exist|exists on disk, but not in|invalid object name|bad revision|unknown revision|not a valid object name/i.test(
        msg,
      )
    )
      return undefined;
    throw err;
  }
}
