import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";
import { GitRepo } from "../../src/git/git-repo.js";
import { tempDir } from "./temp-dir.js";

export interface TestRepo {
  dir: string;
  remote: string;
  git: SimpleGit;
  /** The same repository as labgate's use cases take it (src/git/git-repo.ts). */
  repo: GitRepo;
  /** Writes files (repo-relative path -> content), creating folders. */
  write(files: Record<string, string>): void;
  /** Writes, adds and commits files; returns the new commit's sha. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
}

/** A real git repo in a temp dir, with an identity, an initial commit, and a bare `origin`. */
export async function createTestRepo(): Promise<TestRepo> {
  const remote = tempDir("labgate-remote-");
  await simpleGit(remote).init(true, ["--initial-branch=main"]);
  const dir = tempDir("labgate-repo-");
  const git = simpleGit(dir);
  await git.init(["--initial-branch=main"]);
  await git.addConfig("user.name", "Test Researcher");
  await git.addConfig("user.email", "researcher@example.com");
  await git.addConfig("commit.gpgsign", "false");
  await git.addRemote("origin", remote);
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  const commit = async (files: Record<string, string>, message = "update") => {
    write(files);
    await git.add(Object.keys(files));
    await git.commit(message);
    return (await git.revparse(["HEAD"])).trim();
  };
  await commit({ "README.md": "# test repo\n" }, "initial");
  await git.push("origin", "main");
  return { dir, remote, git, repo: GitRepo.open(dir), write, commit };
}
