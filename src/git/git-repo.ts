import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import {
  parseDiffRaw,
  parseNumstatPaths,
  parseStatusPaths,
  type RawDiffLine,
} from "./diff-output.js";
import { fromSimpleGit, type GitRunner, processGitRunner, simpleGitRunner } from "./git-runner.js";
import { LABGATE_COMMITTER_CONFIG } from "./labgate-committer.js";

export interface CommitInfo {
  sha: string;
  message: string;
}

export interface GitRepoOptions {
  /** `-c name=value` settings given to every command (NO_HOOKS, a credential from gitAuthConfig). */
  config?: readonly string[];
}

/** How a GitRepo runs git, and how it runs git elsewhere (a worktree) or with more settings. */
interface Backend {
  run: GitRunner;
  config: readonly string[];
  /** The same kind of backend in `dir` (undefined: this one's directory) with `config`. */
  reopen(config: readonly string[], dir?: string): Backend;
}

function simpleBackend(dir: string, config: readonly string[]): Backend {
  return {
    run: simpleGitRunner(dir, config),
    config,
    reopen: (c, d) => simpleBackend(d ?? dir, c),
  };
}

function processBackend(dir: string, config: readonly string[], env: NodeJS.ProcessEnv): Backend {
  return {
    run: processGitRunner(dir, config, env),
    config,
    reopen: (c, d) => processBackend(d ?? dir, c, env),
  };
}

/**
 * Every git command labgate runs goes through a GitRepo: one repository (a checkout, a worktree,
 * or a scratch repository without a work tree), the `-c` settings its commands get, and the one
 * committer labgate's own commits are by. Use cases take one injected; shells build it.
 */
export class GitRepo {
  private constructor(private readonly backend: Backend) {}

  /** The repository (or worktree) at `dir`, through simple-git. */
  static open(dir: string, opts: GitRepoOptions = {}): GitRepo {
    return new GitRepo(simpleBackend(dir, opts.config ?? []));
  }

  /**
   * A GitRepo over a simple-git instance a caller already built (its own settings kept, but not
   * passed on to a worktree, and no settings can be added: use GitRepo.open for those).
   */
  static of(git: SimpleGit): GitRepo {
    return new GitRepo({
      run: fromSimpleGit(git),
      config: [],
      reopen: (c, d) => {
        if (d === undefined)
          throw new Error("GitRepo.of(simpleGit) cannot take more settings; use GitRepo.open");
        return simpleBackend(d, c);
      },
    });
  }

  /**
   * A new repository without a work tree and without sample hooks in `dir` (created), run as
   * plain git processes with exactly `env`: for the auto-fix push, which checks nothing out.
   */
  static async initScratch(
    dir: string,
    opts: GitRepoOptions & { env: NodeJS.ProcessEnv },
  ): Promise<GitRepo> {
    await mkdir(dir, { recursive: true });
    const repo = new GitRepo(processBackend(dir, opts.config ?? [], opts.env));
    await repo.backend.run(["init", "--quiet", "--template=", "."]);
    return repo;
  }

  /** This repository with `config` added to every command (a credential for one fetch or push). */
  withConfig(config: readonly string[]): GitRepo {
    return new GitRepo(this.backend.reopen([...this.backend.config, ...config]));
  }

  private git(args: readonly string[]): Promise<string> {
    return this.backend.run(args);
  }

  // ---- reading ----

  /** True when the directory is inside a git work tree (false for a plain folder). */
  async isRepo(): Promise<boolean> {
    const out = await this.git(["rev-parse", "--is-inside-work-tree"]).catch(() => "false");
    return out.trim() === "true";
  }

  /** The commit checked out, full sha. */
  async head(): Promise<string> {
    return (await this.git(["rev-parse", "HEAD"])).trim();
  }

  /** True when `sha` names a commit in this repository's object store. */
  async commitExists(sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{4,64}$/i.test(sha)) return false;
    return this.hasObject(`${sha}^{commit}`);
  }

  /** A setting's value (`git config --get`), or undefined when it is not set. */
  async configValue(key: string): Promise<string | undefined> {
    const out = await this.git(["config", "--get", key]).catch(() => "");
    return out.trim() === "" ? undefined : out.trim();
  }

  /** `name value` lines of this repository's own .git/config whose name matches `pattern`. */
  async localConfigMatching(pattern: string): Promise<string[]> {
    const out = await this.git(["config", "--local", "--get-regexp", pattern]).catch(() => "");
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  /** A file's content at `ref` (`git show <ref>:<path>`); throws when it is not there. */
  readFileAt(ref: string, path: string): Promise<string> {
    return this.git(["show", `${ref}:${path.replace(/^\.\//, "")}`]);
  }

  /**
   * A file's content in the last commit, or undefined when the repo has no commit yet or the
   * file was not in it. Other git failures are rethrown.
   */
  async readFileAtHead(path: string): Promise<string | undefined> {
    // Asked of git's object store by exit status, never read back from git's (localised) stderr.
    if (!(await this.hasObject(`HEAD:${path.replace(/^\.\//, "")}`))) return undefined;
    return this.readFileAt("HEAD", path);
  }

  /** Whether `spec` (`<rev>:<path>`, `<sha>^{commit}`) names an object: `cat-file -e`'s status. */
  private async hasObject(spec: string): Promise<boolean> {
    try {
      await this.git(["cat-file", "-e", spec]);
      return true;
    } catch {
      return false;
    }
  }

  /** The files under `dir` at `ref` (`git ls-tree -r --name-only`), repo-relative. */
  async listFilesAt(ref: string, dir: string): Promise<string[]> {
    const out = await this.git(["ls-tree", "-r", "--name-only", ref, "--", `${dir}/`]);
    return out.split("\n").filter((l) => l !== "");
  }

  /** The newest commit on HEAD that changed `path`, or undefined (never committed, or no commits). */
  async lastCommitTouching(path: string): Promise<CommitInfo | undefined> {
    if (!(await this.hasObject("HEAD^{commit}"))) return undefined;
    const out = await this.git(["log", "-1", "--format=%H%x00%B", "--", path]);
    const nul = out.indexOf("\u0000");
    if (nul < 0) return undefined;
    return { sha: out.slice(0, nul).trim(), message: out.slice(nul + 1) };
  }

  /** True when the working tree's `path` differs from its content at `sha`. */
  async differsFrom(sha: string, path: string): Promise<boolean> {
    const out = await this.git(["diff", "--name-only", sha, "--", path]);
    return out.trim() !== "";
  }

  /**
   * Of `paths` (repo-relative), those with changes not committed: modified, staged, deleted, or
   * not tracked at all.
   */
  async uncommittedFiles(paths: readonly string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    const out = await this.git([
      "status",
      "--porcelain",
      "-z",
      "--untracked-files=all",
      "--",
      ...paths,
    ]);
    return [...new Set(parseStatusPaths(out))].sort();
  }

  /** The working tree's changes to `paths` against HEAD, as a binary patch. */
  diffFromHead(paths: readonly string[]): Promise<string> {
    return this.git(["diff", "--binary", "HEAD", "--", ...paths]);
  }

  /** True when `path` is tracked (in the index). */
  async isTracked(path: string): Promise<boolean> {
    return (await this.git(["ls-files", "--", path])).trim() !== "";
  }

  /** Files that differ from the index: modified, deleted, or new and not ignored. */
  async unstagedFiles(): Promise<string[]> {
    const changed = await this.git(["diff", "--name-only"]);
    const added = await this.git(["ls-files", "--others", "--exclude-standard"]);
    return [...new Set(`${changed}\n${added}`.split("\n").filter((l) => l.trim() !== ""))].sort();
  }

  /**
   * What is staged against `base` as a binary patch. Fixed prefixes and no external diff or
   * textconv: the repository's config (which repository code may have edited) cannot change
   * the patch's shape.
   */
  stagedPatch(base: string): Promise<string> {
    return this.git([
      "diff",
      "--cached",
      "--binary",
      "--full-index",
      "--no-renames",
      "--no-ext-diff",
      "--no-textconv",
      "--no-color",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      base,
    ]);
  }

  // ---- changing the work tree and the index ----

  /** Stages every change (added, changed, deleted) under `paths`, or everywhere. */
  async stageAll(paths?: readonly string[]): Promise<void> {
    await this.git(["add", "--all", ...(paths ? ["--", ...paths] : [])]);
  }

  /** Throws away what is not staged (back to the index), new untracked files included. */
  async discardUnstaged(): Promise<void> {
    await this.git(["checkout", "--", "."]);
    await this.git(["clean", "-fdq"]);
  }

  /** Puts `paths` as they are at `ref` into the work tree and the index. */
  async checkoutPathsFrom(ref: string, paths: readonly string[]): Promise<void> {
    await this.git(["checkout", ref, "--", ...paths]);
  }

  // ---- committing ----

  /**
   * Commits exactly `paths` (added, changed or deleted) with `message`, leaving anything else the
   * user has staged out of the commit (`git commit --only -- <paths>`). Returns the new commit's
   * sha, or undefined when those paths hold no change. The commit is by the repository's
   * configured identity, or by labgate's (LABGATE_COMMITTER) where none is configured. Commit
   * hooks are skipped: the files are labgate's generated outputs, and a formatter hook rewriting
   * them would break their sha256.
   * `exclude`: paths under `paths` left out of the commit (what labgate refused to read there).
   * `equivalent(before, after)`: when every change is a modified file for which it holds (the
   * same results, written at another time), nothing is committed and those files are put back
   * as they were committed, so the checkout is clean again.
   */
  async commitPaths(
    paths: readonly string[],
    message: string,
    opts: {
      exclude?: readonly string[];
      equivalent?: (before: string, after: string) => boolean;
    } = {},
  ): Promise<string | undefined> {
    const spec = [...paths, ...(opts.exclude ?? []).map((p) => `:(exclude,literal)${p}`)];
    await this.git(["add", "--all", "--", ...spec]);
    const staged = parseDiffRaw(
      await this.git(["diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "--", ...spec]),
    );
    if (staged.length === 0) return undefined;
    if (opts.equivalent && (await this.onlyEquivalent(staged, opts.equivalent))) {
      const changed = staged.map((l) => l.path);
      await this.git(["restore", "--staged", "--worktree", "--source=HEAD", "--", ...changed]);
      return undefined;
    }
    // A symbolic link under the results is something a run left, not an output labgate wrote; it
    // could make later readers of the commit follow it anywhere (docs/security.md).
    const links = staged.filter((l) => l.newMode === "120000").map((l) => l.path);
    if (links.length > 0) {
      await this.git(["restore", "--staged", "--", ...links]);
      throw new Error(
        `refusing to commit symbolic link(s) under the results: ${links.join(", ")}. labgate commits only the files it wrote; remove them (\`rm ${links.join(" ")}\`) and run \`labgate aggregate\` again.`,
      );
    }
    const identity = (await this.configValue("user.email")) === undefined ? labgateCommitter() : [];
    await this.git([
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
    return this.head();
  }

  /** True when every staged change is a modified file whose two versions are `equivalent`. */
  private async onlyEquivalent(
    staged: readonly RawDiffLine[],
    equivalent: (before: string, after: string) => boolean,
  ): Promise<boolean> {
    for (const l of staged) {
      if (l.status !== "M") return false;
      // Blanking a timestamp keeps the size: a different size is a real change, read no further.
      const [a, b] = await Promise.all([
        this.git(["cat-file", "-s", l.before]),
        this.git(["cat-file", "-s", l.after]),
      ]);
      if (a.trim() !== b.trim()) return false;
      const [before, after] = await Promise.all([
        this.git(["cat-file", "blob", l.before]),
        this.git(["cat-file", "blob", l.after]),
      ]);
      if (!equivalent(before, after)) return false;
    }
    return true;
  }

  /** Commits what is staged as labgate (LABGATE_COMMITTER), hooks skipped; returns the sha. */
  async commitAsLabgate(message: string, opts: { allowEmpty?: boolean } = {}): Promise<string> {
    await this.git([
      ...labgateCommitter(),
      "commit",
      "--quiet",
      "--no-verify",
      ...(opts.allowEmpty ? ["--allow-empty"] : []),
      "-m",
      message,
    ]);
    return this.head();
  }

  // ---- plumbing for a repository without a work tree (the auto-fix push) ----

  /** The paths a patch file touches (`git apply --numstat -z`); throws when it cannot be read. */
  async patchPaths(patchFile: string): Promise<string[]> {
    return parseNumstatPaths(await this.git(["apply", "--numstat", "-z", patchFile]));
  }

  /** Makes the index `treeish`'s tree (`git read-tree`). */
  async readTree(treeish: string): Promise<void> {
    await this.git(["read-tree", treeish]);
  }

  /** Applies a patch file to the index only (`git apply --cached`); throws when it does not apply. */
  async applyToIndex(patchFile: string): Promise<void> {
    await this.git(["apply", "--cached", "--whitespace=nowarn", patchFile]);
  }

  /** Writes the index as a tree; returns its id. */
  async writeTree(): Promise<string> {
    return (await this.git(["write-tree"])).trim();
  }

  /** A commit of `tree` on `parent` by labgate (LABGATE_COMMITTER), no ref moved; returns its sha. */
  async commitTree(tree: string, parent: string, message: string): Promise<string> {
    const body = message.replace(/\n+$/, "");
    return (
      await this.git([...labgateCommitter(), "commit-tree", tree, "-p", parent, "-m", body])
    ).trim();
  }

  // ---- remotes ----

  /** Fetches `refspec` from `remote` (a name or a URL), no tags; `depth` for a shallow fetch. */
  async fetch(remote: string, refspec: string, opts: { depth?: number } = {}): Promise<void> {
    await this.git([
      "fetch",
      "--quiet",
      "--no-tags",
      ...(opts.depth ? [`--depth=${opts.depth}`] : []),
      remote,
      refspec,
    ]);
  }

  /** The sha `branch` has on `remote` (a name or a URL), or undefined when it has no such branch. */
  async remoteBranchSha(branch: string, remote = "origin"): Promise<string | undefined> {
    const out = await this.git(["ls-remote", "--heads", remote, `refs/heads/${branch}`]);
    return out.trim().split(/\s+/)[0] || undefined;
  }

  /**
   * Fetches `branch` from `origin` into `refs/remotes/origin/<branch>` (see remoteRef); returns its
   * sha, or undefined when the remote has no such branch.
   */
  async fetchBranch(branch: string): Promise<string | undefined> {
    const sha = await this.remoteBranchSha(branch);
    if (sha === undefined) return undefined;
    await this.git(["fetch", "--quiet", "origin", `+refs/heads/${branch}:${remoteRef(branch)}`]);
    return sha;
  }

  /**
   * Pushes `source` (a commit or `HEAD`) to `refs/heads/<branch>` on `remote`. `force`: replace
   * whatever is there. `expect`: replace it only while it is still that sha ("" for absent), so
   * two writers racing cannot drop each other's commit.
   */
  async push(
    source: string,
    branch: string,
    opts: { remote?: string; force?: boolean; expect?: string } = {},
  ): Promise<void> {
    await this.git([
      "push",
      "--quiet",
      ...(opts.force ? ["--force"] : []),
      ...(opts.expect !== undefined
        ? [`--force-with-lease=refs/heads/${branch}:${opts.expect}`]
        : []),
      opts.remote ?? "origin",
      `${source}:refs/heads/${branch}`,
    ]);
  }

  // ---- worktrees ----

  /**
   * Runs `use` in a detached `git worktree` of `ref` in a fresh temp dir under `tmpDir`, with this
   * repository's settings, and removes the worktree afterwards whatever happens: writes there
   * never touch the user's checkout, its index or its branch.
   */
  async withWorktree<T>(
    ref: string,
    opts: { tmpDir: string },
    use: (worktree: GitRepo, dir: string) => Promise<T>,
  ): Promise<T> {
    const dir = await mkdtemp(join(opts.tmpDir, "labgate-worktree-"));
    try {
      await this.git(["worktree", "add", "--detach", "--quiet", dir, ref]);
      return await use(new GitRepo(this.backend.reopen(this.backend.config, dir)), dir);
    } finally {
      await this.git(["worktree", "remove", "--force", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await this.git(["worktree", "prune"]).catch(() => undefined);
    }
  }
}

/** A GitRepo for a caller that still holds a simple-git instance (or already a GitRepo). */
export function asGitRepo(git: SimpleGit | GitRepo): GitRepo {
  return git instanceof GitRepo ? git : GitRepo.of(git);
}

/** Where fetchBranch leaves `origin`'s `branch`. */
export const remoteRef = (branch: string) => `refs/remotes/origin/${branch}`;

function labgateCommitter(): string[] {
  return LABGATE_COMMITTER_CONFIG.flatMap((c) => ["-c", c]);
}
