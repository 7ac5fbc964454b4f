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
 * `exclude`: paths under `paths` left out of the commit (what labgate refused to read there).
 */
export async function commitPaths(
  git: SimpleGit,
  paths: readonly string[],
  message: string,
  exclude: readonly string[] = [],
): Promise<string | undefined> {
  const spec = [...paths, ...exclude.map((p) => `:(exclude,literal)${p}`)];
  await git.raw(["add", "--all", "--", ...spec]);
  const staged = await git.raw(["diff", "--cached", "--raw", "--no-renames", "--", ...spec]);
  if (staged.trim() === "") return undefined;
  // A symbolic link under the results is something a run left, not an output labgate wrote; it
  // could make later readers of the commit follow it anywhere (docs/security.md).
  const links = linksIn(staged);
  if (links.length > 0) {
    await git.raw(["restore", "--staged", "--", ...links]);
    throw new Error(
      `refusing to commit symbolic link(s) under the results: ${links.join(", ")}. labgate commits only the files it wrote; remove them (\`rm ${links.join(" ")}\`) and run \`labgate aggregate\` again.`,
    );
  }
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
    ...spec,
  ]);
  return (await git.revparse(["HEAD"])).trim();
}

/** Paths that `git diff --raw` lines show becoming symbolic links (mode 120000). */
function linksIn(raw: string): string[] {
  const out: string[] = [];
  for (const line of raw.split("\n")) {
    const m = /^:\d{6} (\d{6}) \S+ \S+ \S+\t(.+)$/.exec(line);
    if (m && m[1] === "120000") out.push(m[2] as string);
  }
  return out;
}
