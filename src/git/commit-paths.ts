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
 * `equivalent(before, after)`: when every change is a modified file for which it holds (the same
 * results, written at another time), nothing is committed and those files are put back as they
 * were committed, so the checkout is clean again.
 */
export async function commitPaths(
  git: SimpleGit,
  paths: readonly string[],
  message: string,
  opts: {
    exclude?: readonly string[];
    equivalent?: (before: string, after: string) => boolean;
  } = {},
): Promise<string | undefined> {
  const spec = [...paths, ...(opts.exclude ?? []).map((p) => `:(exclude,literal)${p}`)];
  await git.raw(["add", "--all", "--", ...spec]);
  const staged = await git.raw([
    "diff",
    "--cached",
    "--raw",
    "--no-abbrev",
    "--no-renames",
    "--",
    ...spec,
  ]);
  if (staged.trim() === "") return undefined;
  if (opts.equivalent && (await onlyEquivalent(git, staged, opts.equivalent))) {
    const changed = rawLines(staged).map((l) => l.path);
    await git.raw(["restore", "--staged", "--worktree", "--source=HEAD", "--", ...changed]);
    return undefined;
  }
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
  return rawLines(raw)
    .filter((l) => l.newMode === "120000")
    .map((l) => l.path);
}

/** The lines of `git diff --raw`: modes, blob ids, status letter, path. */
function rawLines(raw: string) {
  const out: { newMode: string; before: string; after: string; status: string; path: string }[] =
    [];
  for (const line of raw.split("\n")) {
    const m = /^:\d{6} (\d{6}) (\S+) (\S+) (\S+)\t(.+)$/.exec(line);
    if (m)
      out.push({
        newMode: m[1] as string,
        before: m[2] as string,
        after: m[3] as string,
        status: m[4] as string,
        path: m[5] as string,
      });
  }
  return out;
}

/** True when every staged change is a modified file whose two versions are `equivalent`. */
async function onlyEquivalent(
  git: SimpleGit,
  raw: string,
  equivalent: (before: string, after: string) => boolean,
): Promise<boolean> {
  for (const l of rawLines(raw)) {
    if (l.status !== "M") return false;
    // Blanking a timestamp keeps the size: a different size is a real change, read no further.
    const [a, b] = await Promise.all([
      git.raw(["cat-file", "-s", l.before]),
      git.raw(["cat-file", "-s", l.after]),
    ]);
    if (a.trim() !== b.trim()) return false;
    const [before, after] = await Promise.all([
      git.raw(["cat-file", "blob", l.before]),
      git.raw(["cat-file", "blob", l.after]),
    ]);
    if (!equivalent(before, after)) return false;
  }
  return true;
}
