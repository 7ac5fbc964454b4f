import type { SimpleGit } from "simple-git";
import { asGitRepo, type GitRepo } from "./git-repo.js";

/** True when `sha` names a commit in this repository's object store (GitRepo.commitExists). */
export function commitExists(git: SimpleGit | GitRepo, sha: string): Promise<boolean> {
  return asGitRepo(git).commitExists(sha);
}
