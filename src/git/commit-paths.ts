import type { SimpleGit } from "simple-git";

/** Who a results commit is by when the repo has no identity configured (a fresh CI machine). */
const FALLBACK_IDENTITY = [
  "-c",
  "user.name=labgate",
  "-c",
  "user.email=labgate@users.noreply.github.com",
];

/**
 * Commits exactly `paths` (added, changed or deleted) with `message`, leaving anything else the
 * user has staged out of the commit (`git commit --only -- <paths>`). Returns the new commit's
 * sha, or undefined when those paths hold no change. Commit hooks are skipped: the files are
 * labgate's generated outputs, and a formatter hook rewriting them would break their sha256.
 */
export async function commitPaths(
  git: SimpleGit,
  paths: readonly string[],
  message: string,
): Promise<string | undefined> {
  await git.raw(["add", "--all", "--", ...paths]);
  const staged = await git.raw(["diff", "--cached", "--name-only", "--", ...paths]);
  if (staged.trim() === "") return undefined;
  const email = await git.raw(["config", "--get", "user.email"]).catch(() => "");
  const identity = email.trim() === "" ? FALLBACK_IDENTITY : [];
  await git.raw([
    ...identity,
    "commit",
    "--quiet",
    "--no-verify",
    "-m",
    message,
    "--only",
    "--",
    ...paths,
  ]);
  return (await git.revparse(["HEAD"])).trim();
}
