import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRepo, remoteRef } from "../../src/git/git-repo.js";
import { gitAuthConfig, NO_HOOKS } from "../../src/git/git-settings.js";
import { LABGATE_COMMITTER } from "../../src/git/labgate-committer.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";
import { tempDir } from "../helpers/temp-dir.js";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

let repo: TestRepo;
let gr: GitRepo;
beforeEach(async () => {
  repo = await createTestRepo();
  gr = repo.repo;
});

describe("GitRepo: reading", () => {
  it("head() is the checked-out commit; commitExists tells commits from anything else", async () => {
    const sha = await repo.commit({ "a.txt": "a\n" });
    expect(await gr.head()).toBe(sha);
    expect(await gr.commitExists(sha)).toBe(true);
    expect(await gr.commitExists(sha.slice(0, 10))).toBe(true);
    expect(await gr.commitExists("0".repeat(40))).toBe(false);
    expect(await gr.commitExists("HEAD; rm -rf /")).toBe(false);
  });

  it("head() fails with git's reason in a folder that is no repository; isRepo tells them apart", async () => {
    const plain = GitRepo.open(tempDir());
    await expect(plain.head()).rejects.toThrow(/not a git repository/i);
    expect(await plain.isRepo()).toBe(false);
    expect(await gr.isRepo()).toBe(true);
  });

  it("reads files at a ref and at HEAD, lists a folder at a ref, and answers undefined for a file not committed", async () => {
    const sha = await repo.commit({ "r/n/2025-01-01/x.json": "1", "r/n/2025-01-02/x.json": "2" });
    repo.write({ "r/n/2025-01-02/x.json": "changed on disk" });
    expect(await gr.readFileAt(sha, "r/n/2025-01-02/x.json")).toBe("2");
    expect(await gr.readFileAtHead("./r/n/2025-01-01/x.json")).toBe("1");
    expect(await gr.readFileAtHead("never.txt")).toBeUndefined();
    expect(await gr.listFilesAt("HEAD", "r/n")).toEqual([
      "r/n/2025-01-01/x.json",
      "r/n/2025-01-02/x.json",
    ]);
    await expect(gr.readFileAt(sha, "never.txt")).rejects.toThrow(/never\.txt/);
  });

  it("lastCommitTouching gives the newest commit changing a path; differsFrom compares the work tree", async () => {
    const first = await repo.commit({ "f.txt": "1" }, "first\n\nKey: v");
    await repo.commit({ "other.txt": "x" }, "second");
    const last = await gr.lastCommitTouching("f.txt");
    expect(last?.sha).toBe(first);
    expect(last?.message.trim()).toBe("first\n\nKey: v");
    expect(await gr.lastCommitTouching("none.txt")).toBeUndefined();
    expect(await gr.differsFrom(first, "f.txt")).toBe(false);
    repo.write({ "f.txt": "2" });
    expect(await gr.differsFrom(first, "f.txt")).toBe(true);
  });

  it("lastCommitTouching is undefined in a repository without commits", async () => {
    const dir = tempDir();
    git(dir, "init", "--quiet");
    expect(await GitRepo.open(dir).lastCommitTouching("x")).toBeUndefined();
    expect(await GitRepo.open(dir).readFileAtHead("x")).toBeUndefined();
  });

  it("uncommittedFiles lists modified, staged, deleted, renamed and untracked files under the paths", async () => {
    await repo.commit({ "src/a.py": "a", "src/b.py": "b", "src/c.py": "c", "docs/x.md": "x" });
    repo.write({ "src/a.py": "A", "src/new dir/n.py": "n", "docs/x.md": "X" });
    git(repo.dir, "rm", "--quiet", "src/b.py");
    git(repo.dir, "mv", "src/c.py", "src/d.py");
    expect(await gr.uncommittedFiles(["src"])).toEqual([
      "src/a.py",
      "src/b.py",
      "src/d.py",
      "src/new dir/n.py",
    ]);
    expect(await gr.uncommittedFiles([])).toEqual([]);
  });

  it("configValue and localConfigMatching read settings; an unset one is undefined / empty", async () => {
    expect(await gr.configValue("user.name")).toBe("Test Researcher");
    expect(await gr.configValue("labgate.nothing")).toBeUndefined();
    expect(await gr.localConfigMatching("^credential\\..*$")).toEqual([]);
    git(repo.dir, "config", "credential.helper", "store");
    expect(await gr.localConfigMatching("^credential\\..*$")).toEqual(["credential.helper store"]);
  });
});

describe("GitRepo: committing", () => {
  it("commitPaths commits only those paths, by the configured identity, and nothing when they hold no change", async () => {
    repo.write({ "results/a.csv": "1\n", "notes.txt": "mine\n" });
    git(repo.dir, "add", "notes.txt");
    const sha = await gr.commitPaths(["results"], "results\n\nLabgate-Run: x");
    expect(sha).toBe(await gr.head());
    expect(git(repo.dir, "show", "--name-only", "--format=%an <%ae>", "HEAD")).toBe(
      "Test Researcher <researcher@example.com>\n\nresults/a.csv",
    );
    // What the user staged elsewhere stays staged, out of the commit.
    expect(git(repo.dir, "diff", "--cached", "--name-only")).toBe("notes.txt");
    expect(await gr.commitPaths(["results"], "again")).toBeUndefined();
  });

  it("commitPaths leaves `exclude` out and refuses a symbolic link under the paths, naming it", async () => {
    repo.write({ "results/a.csv": "1\n", "results/skip.csv": "no\n" });
    await gr.commitPaths(["results"], "r", { exclude: ["results/skip.csv"] });
    expect(git(repo.dir, "show", "--name-only", "--format=", "HEAD")).toBe("results/a.csv");
    symlinkSync("/etc/passwd", join(repo.dir, "results", "link"));
    await expect(gr.commitPaths(["results"], "r")).rejects.toThrow(
      /refusing to commit symbolic link\(s\) under the results: results\/link/,
    );
    expect(git(repo.dir, "diff", "--cached", "--name-only")).not.toContain("results/link");
  });

  it("commitPaths commits nothing and restores the files when every change is `equivalent`", async () => {
    await repo.commit({ "results/s.json": '{"at":"2025-01-01","v":1}' });
    repo.write({ "results/s.json": '{"at":"2025-01-02","v":1}' });
    const sameButTime = (a: string, b: string) =>
      a.replace(/"at":"[^"]*"/, "") === b.replace(/"at":"[^"]*"/, "");
    expect(await gr.commitPaths(["results"], "r", { equivalent: sameButTime })).toBeUndefined();
    expect(readFileSync(join(repo.dir, "results/s.json"), "utf8")).toContain("2025-01-01");
    expect(git(repo.dir, "status", "--porcelain")).toBe("");
    repo.write({ "results/s.json": '{"at":"2025-01-02","v":2}' });
    expect(await gr.commitPaths(["results"], "r", { equivalent: sameButTime })).toBeDefined();
  });

  describe("where git has no identity configured", () => {
    let saved: Record<string, string | undefined>;
    beforeEach(() => {
      saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
      process.env.HOME = tempDir("labgate-home-");
      process.env.XDG_CONFIG_HOME = process.env.HOME;
      git(repo.dir, "config", "--unset", "user.name");
      git(repo.dir, "config", "--unset", "user.email");
    });
    afterEach(() => {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    });

    it("commitPaths commits as labgate[bot] with the GitHub noreply address", async () => {
      repo.write({ "results/a.csv": "1\n" });
      await gr.commitPaths(["results"], "r");
      expect(git(repo.dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>")).toBe(
        `${LABGATE_COMMITTER.name} <${LABGATE_COMMITTER.email}>|${LABGATE_COMMITTER.name} <${LABGATE_COMMITTER.email}>`,
      );
    });
  });

  it("commitAsLabgate commits what is staged as labgate[bot] even where the repo has an identity, empty when asked", async () => {
    repo.write({ "n/x.txt": "x" });
    await gr.stageAll(["n"]);
    const sha = await gr.commitAsLabgate("nightly\n\nLabgate-Source-Commit: abc");
    expect(git(repo.dir, "log", "-1", "--format=%H|%an <%ae>|%B")).toBe(
      `${sha}|labgate[bot] <labgate[bot]@users.noreply.github.com>|nightly\n\nLabgate-Source-Commit: abc`,
    );
    await expect(gr.commitAsLabgate("nothing")).rejects.toThrow();
    expect(await gr.commitAsLabgate("nothing", { allowEmpty: true })).not.toBe(sha);
  });

  it("commit hooks never run for labgate's commits", async () => {
    const hook = join(repo.dir, ".git", "hooks", "pre-commit");
    writeFileSync(hook, `#!/bin/sh\ntouch "${join(repo.dir, "hook-ran")}"\nexit 1\n`, {
      mode: 0o755,
    });
    repo.write({ "results/a.csv": "1\n" });
    expect(await gr.commitPaths(["results"], "r")).toBeDefined();
    repo.write({ "n/x.txt": "x" });
    await gr.stageAll(["n"]);
    await gr.commitAsLabgate("n");
    expect(existsSync(join(repo.dir, "hook-ran"))).toBe(false);
  });
});

describe("GitRepo: worktrees", () => {
  it("withWorktree works on a detached copy of the ref, leaves the checkout alone, and removes the worktree", async () => {
    const base = await repo.commit({ "a.txt": "base\n" });
    await repo.commit({ "a.txt": "newer\n" });
    let seen = "";
    const sha = await gr.withWorktree(base, { tmpDir: tempDir() }, async (wt, dir) => {
      seen = dir;
      expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("base\n");
      expect(await wt.head()).toBe(base);
      writeFileSync(join(dir, "b.txt"), "new\n");
      expect(await wt.unstagedFiles()).toEqual(["b.txt"]);
      await wt.stageAll();
      return wt.commitAsLabgate("in the worktree");
    });
    expect(existsSync(seen)).toBe(false);
    expect(git(repo.dir, "worktree", "list", "--porcelain")).not.toContain(seen);
    expect(git(repo.dir, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(repo.dir, "a.txt"), "utf8")).toBe("newer\n");
    // The commit stays in the shared object store, on no branch.
    expect(git(repo.dir, "cat-file", "-t", sha)).toBe("commit");
    expect(git(repo.dir, "branch", "--contains", sha)).toBe("");
  });

  it("withWorktree removes the worktree when `use` throws, and rethrows", async () => {
    let seen = "";
    await expect(
      gr.withWorktree("HEAD", { tmpDir: tempDir() }, async (_wt, dir) => {
        seen = dir;
        throw new Error("fixer exploded");
      }),
    ).rejects.toThrow("fixer exploded");
    expect(seen).not.toBe("");
    expect(existsSync(seen)).toBe(false);
    expect(git(repo.dir, "worktree", "list")).not.toContain(seen);
  });

  it("discardUnstaged drops unstaged work and keeps staged; stagedPatch is a binary patch against a base that applies elsewhere", async () => {
    const base = await gr.head();
    await gr.withWorktree(base, { tmpDir: tempDir() }, async (wt, dir) => {
      writeFileSync(join(dir, "kept.txt"), "kept\n");
      writeFileSync(join(dir, "bin.dat"), Buffer.from([0, 1, 2, 255]));
      await wt.stageAll();
      writeFileSync(join(dir, "kept.txt"), "dropped\n");
      writeFileSync(join(dir, "junk.txt"), "junk\n");
      await wt.discardUnstaged();
      expect(await wt.unstagedFiles()).toEqual([]);
      expect(readFileSync(join(dir, "kept.txt"), "utf8")).toBe("kept\n");
      const patch = await wt.stagedPatch(base);
      expect(patch).toContain("diff --git a/kept.txt b/kept.txt");
      expect(patch).toContain("GIT binary patch");
      const patchFile = join(tempDir(), "p.patch");
      writeFileSync(patchFile, patch);
      git(repo.dir, "apply", "--index", patchFile);
    });
    expect(readFileSync(join(repo.dir, "bin.dat"))).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it("a worktree inherits the repository's settings (hooks off)", async () => {
    const hooked = GitRepo.open(repo.dir, { config: NO_HOOKS });
    const hooks = tempDir("labgate-hooks-");
    const ran = join(tempDir(), "ran");
    git(repo.dir, "config", "core.hooksPath", hooks);
    for (const h of ["post-checkout", "pre-commit"])
      writeFileSync(join(hooks, h), `#!/bin/sh\necho ${h} >> "${ran}"\n`, { mode: 0o755 });
    await hooked.withWorktree("HEAD", { tmpDir: tempDir() }, async (wt, dir) => {
      writeFileSync(join(dir, "x"), "x");
      await wt.stageAll();
      await wt.commitPaths(["x"], "x");
    });
    expect(existsSync(ran)).toBe(false);
    // The same hooks do run for git without NO_HOOKS: the test would see them.
    await GitRepo.open(repo.dir).withWorktree("HEAD", { tmpDir: tempDir() }, async () => undefined);
    expect(readFileSync(ran, "utf8")).toBe("post-checkout\n");
  });

  it("checkoutPathsFrom carries a folder over from another ref", async () => {
    git(repo.dir, "checkout", "--quiet", "-b", "other");
    await repo.commit({ "n/2025-01-01/a.json": "1", "n/2025-01-02/a.json": "2" });
    const other = await gr.head();
    git(repo.dir, "checkout", "--quiet", "main");
    await gr.checkoutPathsFrom(other, ["n/"]);
    expect(git(repo.dir, "diff", "--cached", "--name-only")).toBe(
      "n/2025-01-01/a.json\nn/2025-01-02/a.json",
    );
  });
});

describe("GitRepo: remotes", () => {
  it("fetchBranch answers undefined for a branch the remote lacks, else fetches it and gives its sha", async () => {
    expect(await gr.fetchBranch("labgate/nightly")).toBeUndefined();
    const sha = await repo.commit({ "n.txt": "1" });
    git(repo.dir, "push", "--quiet", "origin", "HEAD:refs/heads/labgate/nightly");
    git(repo.dir, "reset", "--quiet", "--hard", "HEAD^");
    git(repo.dir, "update-ref", "-d", "refs/remotes/origin/labgate/nightly");
    expect(await gr.fetchBranch("labgate/nightly")).toBe(sha);
    expect(git(repo.dir, "rev-parse", remoteRef("labgate/nightly"))).toBe(sha);
    expect(await gr.remoteBranchSha("labgate/nightly")).toBe(sha);
    expect(await gr.remoteBranchSha("nope")).toBeUndefined();
  });

  it("push with `expect` creates a branch only where absent and updates it only from the sha expected", async () => {
    const one = await repo.commit({ "n.txt": "1" });
    await gr.push("HEAD", "labgate/nightly", { expect: "" });
    expect(git(repo.remote, "rev-parse", "labgate/nightly")).toBe(one);
    const two = await repo.commit({ "n.txt": "2" });
    // Someone else's view: the branch is absent. Their push must not drop ours.
    await expect(gr.push("HEAD", "labgate/nightly", { expect: "" })).rejects.toThrow(
      /stale|rejected/i,
    );
    await gr.push("HEAD", "labgate/nightly", { expect: one });
    expect(git(repo.remote, "rev-parse", "labgate/nightly")).toBe(two);
    await gr.push(one, "labgate/nightly", { force: true });
    expect(git(repo.remote, "rev-parse", "labgate/nightly")).toBe(one);
  });
});

describe("GitRepo.initScratch: a commit made without a work tree (the auto-fix push)", () => {
  it("fetches a commit, applies a patch to the index only, commits it as labgate on that commit, and force-pushes it", async () => {
    const head = await repo.commit({ "train.py": "def main():\n\tpass\n" });
    await repo.git.push("origin", "main");
    const dir = join(tempDir(), "scratch");
    const scratch = await GitRepo.initScratch(dir, { config: NO_HOOKS, env: process.env });
    expect(existsSync(join(dir, ".git", "hooks"))).toBe(false);
    await scratch.fetch(repo.remote, `+${head}:refs/labgate/head`, { depth: 1 });
    const patchFile = join(dir, ".git", "p.patch");
    writeFileSync(
      patchFile,
      "diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n def main():\n-\tpass\n+    pass\n",
    );
    expect(await scratch.patchPaths(patchFile)).toEqual(["train.py"]);
    await scratch.readTree(head);
    await scratch.applyToIndex(patchFile);
    const tree = await scratch.writeTree();
    const commit = await scratch.commitTree(tree, head, "fix\n\nLabgate-Autofix-For: #7\n");
    expect(await scratch.remoteBranchSha("labgate/autofix/7", repo.remote)).toBeUndefined();
    await scratch.push(commit, "labgate/autofix/7", { remote: repo.remote, force: true });
    expect(git(repo.remote, "log", "-1", "--format=%an <%ae>%n%P%n%B", "labgate/autofix/7")).toBe(
      `labgate[bot] <labgate[bot]@users.noreply.github.com>\n${head}\nfix\n\nLabgate-Autofix-For: #7`,
    );
    expect(git(repo.remote, "show", "labgate/autofix/7:train.py")).toBe("def main():\n    pass");
    // No work tree was ever checked out.
    expect(git(dir, "ls-files")).toBe("README.md\ntrain.py");
    expect(existsSync(join(dir, "train.py"))).toBe(false);
  });

  it("a patch that does not apply or cannot be read fails with git's reason, naming the command", async () => {
    const dir = join(tempDir(), "scratch");
    const scratch = await GitRepo.initScratch(dir, { env: process.env });
    const bad = join(dir, ".git", "bad.patch");
    writeFileSync(bad, "not a patch at all\n");
    await expect(scratch.patchPaths(bad)).rejects.toThrow(
      /^git apply --numstat -z .* failed: .*No valid patches/s,
    );
    writeFileSync(bad, "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n");
    await expect(scratch.applyToIndex(bad)).rejects.toThrow(/^git apply --cached .* failed: .*x/s);
  });

  it("withConfig gives a setting to each command only: a credential never lands in .git/config or in an error", async () => {
    const dir = join(tempDir(), "scratch");
    const scratch = await GitRepo.initScratch(dir, { config: NO_HOOKS, env: process.env });
    const token = "ghs_secretSecretSecret0123456789";
    const authed = scratch.withConfig(gitAuthConfig("https://github.example", token));
    const err = await authed
      .fetch(join(dir, "no-such-remote"), "+refs/heads/main:refs/x")
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^git fetch/);
    expect((err as Error).message).not.toContain(token);
    expect((err as Error).message).not.toContain("extraheader");
    const config = readFileSync(join(dir, ".git", "config"), "utf8");
    expect(config).not.toMatch(/extraheader|hooksPath/i);
  });
});
