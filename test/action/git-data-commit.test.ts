import { execFile, execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { gitDataCommit } from "../../src/github/git-data-commit.js";
import { createOctokit } from "../../src/github/octokit.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { GIT_ENV, git, pushFromElsewhere, repoWithBranch } from "./helpers/git-fixture.js";

const execFileAsync = promisify(execFile);

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Where a results commit may write: the results and the dispatch folders. */
const UNDER = ["experiments/results", "dispatch/"];

const results = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    path: `experiments/results/runs/run_${String(i).padStart(4, "0")}.json`,
    content: `${JSON.stringify({ metrics: { accuracy: i / n } })}\n`,
  }));

async function setup(beforeRefUpdate?: (branch: string) => Promise<void>) {
  const repo = repoWithBranch({ "train.py": "print('hi')\n" });
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    bareRepo: repo.bare,
    beforeRefUpdate,
  });
  const octokit = createOctokit({ token: "t", baseUrl: fake.url, retries: 0 });
  return { repo, octokit, fake };
}

describe("gitDataCommit", () => {
  it.each([1, 100, 1000])(
    "commits %i files as one commit in 5 requests",
    async (n) => {
      const { repo, octokit, fake } = await setup();
      const out = await gitDataCommit(octokit, {
        owner: "lab",
        repo: "study",
        branch: "pr-1",
        under: UNDER,
        message: "results\n\nLabgate-Source-Commit: abc",
        files: results(n),
      });
      expect(out.requests).toBe(5);
      expect(
        fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{40}/, "SHA")}`),
      ).toEqual([
        "GET /repos/lab/study/git/ref/heads/pr-1",
        "GET /repos/lab/study/git/commits/SHA",
        "POST /repos/lab/study/git/trees",
        "POST /repos/lab/study/git/commits",
        "PATCH /repos/lab/study/git/refs/heads/pr-1",
      ]);
      const tree = fake.requests[2]?.body;
      expect(tree.tree).toHaveLength(n);
      expect(fake.requests[4]?.body.force).toBe(false);
      // One commit on top of the code commit, holding every file.
      expect(git(repo.bare, "rev-parse", "pr-1^")).toBe(repo.head);
      expect(git(repo.bare, "rev-parse", "pr-1")).toBe(out.sha);
      const listed = git(repo.bare, "ls-tree", "-r", "--name-only", "pr-1").split("\n");
      expect(listed).toHaveLength(n + 1);
      expect(git(repo.bare, "show", "pr-1:experiments/results/runs/run_0000.json")).toContain(
        "accuracy",
      );
    },
    60_000,
  );

  it("splits a tree too large for one request into chained trees", async () => {
    const { repo, octokit } = await setup();
    const out = await gitDataCommit(octokit, {
      owner: "lab",
      repo: "study",
      branch: "pr-1",
      under: UNDER,
      message: "results",
      files: results(100),
      maxTreeBytes: 4000,
    });
    expect(out.treeChunks).toBeGreaterThan(1);
    expect(out.requests).toBe(4 + out.treeChunks);
    expect(git(repo.bare, "ls-tree", "-r", "--name-only", "pr-1").split("\n")).toHaveLength(101);
    expect(git(repo.bare, "rev-list", "--count", "pr-1")).toBe("2");
  });

  it("rebuilds on the new head when a real push races it, keeping the pushed commit", async () => {
    let raced = false;
    let theirs = "";
    const ctx = await setup(async (branch) => {
      if (raced) return;
      raced = true;
      theirs = pushFromElsewhere(ctx.repo.bare, branch, "notes.md", "pushed meanwhile\n");
    });
    const out = await gitDataCommit(ctx.octokit, {
      owner: "lab",
      repo: "study",
      branch: "pr-1",
      under: UNDER,
      message: "results",
      files: results(3),
    });
    expect(out.attempts).toBe(2);
    expect(out.parent).toBe(theirs);
    expect(
      ctx.fake.requests.filter((r) => r.method === "PATCH").every((r) => r.body.force === false),
    ).toBe(true);
    expect(git(ctx.repo.bare, "rev-parse", "pr-1^")).toBe(theirs);
    expect(git(ctx.repo.bare, "show", "pr-1:notes.md")).toBe("pushed meanwhile");
    expect(git(ctx.repo.bare, "show", "pr-1:experiments/results/runs/run_0002.json")).toContain(
      "accuracy",
    );
  });

  it("keeps every commit of a truly concurrent stream of pushes, landing on top of them", async () => {
    const { repo, octokit } = await setup();
    // Another clone pushing in its own processes, in parallel with the commits below.
    const other = tempDir("labgate-pusher-");
    git(other, "clone", "-q", "--branch", "pr-1", repo.bare, ".");
    const sh = (...args: string[]) =>
      execFileAsync("git", args, { cwd: other, env: { ...process.env, ...GIT_ENV } });
    const pushed: string[] = [];
    const pusher = (async () => {
      for (let i = 0; i < 6; i++) {
        await writeFile(join(other, `note-${i}.md`), `${i}\n`);
        await sh("add", "-A");
        await sh("commit", "-qm", `note ${i}`);
        // Someone else's pushes are plain pushes: when labgate's commit won the race, they
        // rebase on it and push again, as a person would. Never forced.
        for (let attempt = 0; ; attempt++) {
          await sh("pull", "-q", "--rebase", "origin", "pr-1");
          const ok = await sh("push", "-q", "origin", "HEAD:pr-1").then(
            () => true,
            () => false,
          );
          if (ok) break;
          if (attempt === 20) throw new Error("the other pusher never got through");
        }
        pushed.push((await sh("rev-parse", "HEAD")).stdout.trim());
      }
    })();
    const commits = [];
    for (let i = 0; i < 3; i++)
      commits.push(
        await gitDataCommit(octokit, {
          owner: "lab",
          repo: "study",
          branch: "pr-1",
          under: UNDER,
          message: `results ${i}`,
          files: results(50).map((f) => ({ ...f, content: `${i}${f.content}` })),
          maxAttempts: 20,
        }),
      );
    await pusher;
    const history = git(repo.bare, "rev-list", "pr-1").split("\n");
    for (const sha of [...pushed, ...commits.map((c) => c.sha as string)])
      expect(history).toContain(sha);
    expect(history).toHaveLength(1 + pushed.length + commits.length);
    // Linear: every commit has one parent; nothing was rewritten.
    expect(commits.every((c) => c.sha !== null)).toBe(true);
    expect(git(repo.bare, "rev-list", "--min-parents=2", "pr-1")).toBe("");
    expect(git(repo.bare, "show", "pr-1:experiments/results/runs/run_0000.json")).toMatch(/^2/);
  }, 60_000);

  it("gives up after maxAttempts when the branch keeps moving, never forcing", async () => {
    let n = 0;
    const ctx = await setup(async (branch) => {
      pushFromElsewhere(ctx.repo.bare, branch, `note-${n}.md`, `${n++}\n`);
    });
    await expect(
      gitDataCommit(ctx.octokit, {
        owner: "lab",
        repo: "study",
        branch: "pr-1",
        under: UNDER,
        message: "results",
        files: results(2),
        maxAttempts: 3,
      }),
    ).rejects.toThrow(/moved 3 times.*Nothing was force-pushed/);
    expect(git(ctx.repo.bare, "ls-tree", "-r", "--name-only", "pr-1")).not.toContain(
      "experiments/results",
    );
    expect(git(ctx.repo.bare, "rev-list", "--count", "pr-1")).toBe("4");
  });

  it("commits nothing when the files already match the branch", async () => {
    const { repo, octokit } = await setup();
    const commit = () =>
      gitDataCommit(octokit, {
        owner: "lab",
        repo: "study",
        branch: "pr-1",
        under: UNDER,
        message: "results",
        files: results(2),
      });
    const first = await commit();
    const out = await commit();
    expect(out.sha).toBeNull();
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(first.sha);
  });

  it("uploads bytes that are not UTF-8 as a blob", async () => {
    const { repo, octokit, fake } = await setup();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]);
    const out = await gitDataCommit(octokit, {
      owner: "lab",
      repo: "study",
      branch: "pr-1",
      under: UNDER,
      message: "chart",
      files: [{ path: "experiments/results/chart.png", content: png }],
    });
    expect(out.requests).toBe(6);
    expect(fake.requests[0]?.path).toBe("/repos/lab/study/git/blobs");
    const bytes = execFileSync("git", ["cat-file", "blob", "pr-1:experiments/results/chart.png"], {
      cwd: repo.bare,
    });
    expect([...bytes]).toEqual([...png]);
  });
});

describe("gitDataCommit: every tree path lies under the results or dispatch folders (docs/security.md)", () => {
  it.each([
    ["../../.github/workflows/evil.yml", 'has a ".." segment'],
    ["experiments/results/../../.github/workflows/evil.yml", 'has a ".." segment'],
    ["/etc/passwd", "is absolute"],
    ["experiments/results//x.json", "has an empty segment"],
    ["experiments/results/./x.json", 'has a "." segment'],
    ["experiments/results/.git/config", 'has a ".git" segment'],
    ["dispatch/.GIT/hooks/pre-commit", 'has a ".git" segment'],
    [".github/workflows/evil.yml", "lies outside experiments/results/ and dispatch/"],
    ["experiments/results-evil/x.json", "lies outside experiments/results/ and dispatch/"],
    ["experiments/results", "lies outside experiments/results/ and dispatch/"],
  ])("refuses %s before any tree is sent (%s)", async (path, problem) => {
    const { repo, octokit, fake } = await setup();
    const files = [...results(2), { path, content: "x\n" }];
    const attempt = (f: typeof files | ((head: string) => Promise<typeof files>)) =>
      gitDataCommit(octokit, {
        owner: "lab",
        repo: "study",
        branch: "pr-1",
        under: UNDER,
        message: "results",
        files: f,
      });
    const expected = `refusing to commit ${JSON.stringify(path)}: it ${problem}. A results commit writes only the results and dispatch files; nothing was committed.`;
    await expect(attempt(files)).rejects.toMatchObject({
      code: "path-outside-results",
      path,
      message: expected,
    });
    expect(fake.requests).toEqual([]);
    // files built on the branch head: refused after the head is read, before any tree
    await expect(attempt(async () => files)).rejects.toThrow(expected);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/lab/study/git/ref/heads/pr-1",
    ]);
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(repo.head);
  });
});
