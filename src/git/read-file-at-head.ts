import type { SimpleGit } from "simple-git";
import { asGitRepo, type GitRepo } from "./git-repo.js";

/**
 * A file's content in the last commit (`git show HEAD:<path>`), or undefined when the repo has no
 * commit yet or the file was not in it. Other git failures are rethrown (GitRepo.readFileAtHead).
 */
export function readFileAtHead(
  git: SimpleGit | GitRepo,
  path: string,
): Promise<string | undefined> {
  return asGitRepo(git).readFileAtHead(path);
}
