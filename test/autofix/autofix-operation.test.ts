import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AutofixFailure } from "../../src/core/autofix/autofix-failure.js";
import {
  type FixerSpec,
  NORMALIZE_DEFINITIONS,
  planFixers,
} from "../../src/core/autofix/plan-fixers.js";
import { Config } from "../../src/core/config/config-schema.js";
import { GitRepo } from "../../src/git/git-repo.js";
import { NO_HOOKS } from "../../src/git/git-settings.js";
import { createOctokit } from "../../src/github/octokit.js";
import { autofix } from "../../src/operations/autofix.js";
import { pushAutofix } from "../../src/operations/autofix-push.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";

const API = "https://api.github.com";
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

// Tiny real fixers: a "formatter" that trims trailing spaces, one that crashes half-way through
// a write, and one that hangs.
const FIXERS = {
  "tools/trim.mjs": `import { readFileSync, writeFileSync } from "node:fs";
for (const f of process.argv.slice(2)) writeFileSync(f, readFileSync(f, "utf8").replace(/[ \\t]+$/gm, ""));
`,
  "tools/crash.mjs": `import { writeFileSync } from "node:fs";
writeFileSync("train.py", "half-written");
console.error("fixer blew up");
process.exit(3);
`,
  "tools/hang.mjs": `import { writeFileSync } from "node:fs";
writeFileSync("hang-was-here.txt", "partial");
setTimeout(() => {}, 60_000);
`,
};

const failures: AutofixFailure[] = [
  {
    source: "gate",
    kind: "code-review",
    subject: "labgate/code-review",
    message: "train.py: trailing whitespace (lint)",
    file: "train.py",
    line: 2,
    url: "https://github.com/lab/study/runs/555",
  },
  {
    source: "run",
    kind: "no-result",
    subject: "full-ours_s1",
    message: "no-result: exited 0 without writing its result file",
    url: "https://github.com/lab/study/actions/runs/99",
    logUrl: "https://github.com/lab/study/actions/runs/99/job/1",
  },
];

const config = (commands: unknown[]) => Config.parse({ autofix: { commands } });
const trim = { name: "trim", command: "node tools/trim.mjs train.py", answers: ["lint"] };

let repo: TestRepo;
const log = { info: () => undefined, warning: () => undefined };
const RUN_URL = "https://github.com/lab/study/actions/runs/100";

/**
 * The fixer job (autofix: fixers in a worktree of the PR head, a patch out) and then the push job
 * (pushAutofix: a fresh clone of github.example/lab/study.git, here the bare remote through
 * url.insteadOf, the patch applied and pushed), as the two jobs of the dispatch workflow run them.
 */
async function fixAndPush(commands: unknown[], failuresIn: AutofixFailure[] = failures) {
  const cfg = config(commands);
  const fixers: FixerSpec[] = [...cfg.autofix.commands];
  if (cfg.autofix.normalize_definitions) fixers.push(NORMALIZE_DEFINITIONS);
  const headSha = git(repo.remote, "rev-parse", "feature");
  const prRef = { number: 7, headRef: "feature", headSha };
  const fixed = await autofix(
    { git: GitRepo.open(repo.dir, { config: NO_HOOKS }), log, tmpDir: tmpdir() },
    { pr: prRef, definitions: cfg.definitions, planned: planFixers(fixers, failuresIn) },
  );
  if (fixed.kind !== "changed") return { fixed, pushed: undefined };
  const pushed = await pushAutofix(
    {
      octokit: createOctokit({ token: "t", retries: 0 }),
      log,
      tmpDir: tmpdir(),
      serverUrl: "https://github.example",
      token: "t",
      env: {
        ...process.env,
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: `url.${repo.remote}.insteadOf`,
        GIT_CONFIG_VALUE_0: "https://github.example/lab/study.git",
      },
    },
    {
      owner: "lab",
      repo: "study",
      pr: { ...prRef, state: "open", baseRef: "main", author: "researcher", fromFork: false },
      patch: fixed.patch,
      result: { pr: prRef, outcomes: fixed.outcomes },
      runUrl: RUN_URL,
    },
  );
  return { fixed, pushed };
}

beforeEach(async () => {
  nock.disableNetConnect();
  repo = await createTestRepo();
  await repo.git.checkoutLocalBranch("feature");
  await repo.commit({ ...FIXERS, "train.py": "import sys  \nprint(sys.argv)\t\n" }, "feature");
  await repo.git.push("origin", "feature");
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const remoteHas = (branch: string) => git(repo.remote, "branch", "--list", branch) !== "";

describe("autofix fixer step + push step (real git, bare remote; GitHub API via nock)", () => {
  it("pushes labgate/autofix/<pr> on the PR head and opens a PR into the PR branch naming the failures", async () => {
    let body: any;
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", base: "feature", state: "open", per_page: "10" })
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => {
        body = b;
        return true;
      })
      .reply(201, { number: 8, html_url: "https://github.com/lab/study/pull/8", draft: false });
    const { pushed: out } = await fixAndPush([trim]);
    scope.done();
    expect(out?.kind).toBe("pushed");
    if (out?.kind !== "pushed") return;
    expect(out.pr).toEqual({
      action: "created",
      number: 8,
      url: "https://github.com/lab/study/pull/8",
    });
    expect(out.branchExisted).toBe(false);
    expect(body).toMatchObject({
      head: "labgate/autofix/7",
      base: "feature",
      title: "labgate auto-fix for #7",
    });
    expect(body.body).toContain("[labgate/code-review](https://github.com/lab/study/runs/555)");
    expect(body.body).toContain("train.py: trailing whitespace (lint)");
    expect(body.body).not.toContain("full-ours_s1"); // trim does not answer no-result
    expect(body.body).toContain("| trim | ✅ changed files | `train.py` |");
    // The fix commit sits on the PR's head and holds only the fixer's change.
    const prHead = git(repo.remote, "rev-parse", "feature");
    expect(git(repo.remote, "rev-parse", "labgate/autofix/7^")).toBe(prHead);
    expect(git(repo.remote, "show", "labgate/autofix/7:train.py")).toBe(
      "import sys\nprint(sys.argv)",
    );
    expect(git(repo.remote, "log", "-1", "--format=%an%n%B", "labgate/autofix/7")).toContain(
      `labgate[bot]\nlabgate auto-fix for #7`,
    );
    // The user's checkout is untouched: same branch, clean tree, no leftover worktree.
    expect(git(repo.dir, "status", "--porcelain")).toBe("");
    expect(git(repo.dir, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("a second run updates the branch and the same PR (no duplicate), even after the PR moved", async () => {
    const first = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(201, { number: 8, html_url: "https://github.com/lab/study/pull/8", draft: false });
    await fixAndPush([trim]);
    first.done();
    // The researcher pushes again; the whitespace is still there.
    await repo.commit({ "notes.md": "more\n" }, "more work");
    await repo.git.push("origin", "feature");
    let patched: any;
    const second = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [{ number: 8, html_url: "https://github.com/lab/study/pull/8", draft: false }])
      .patch("/repos/lab/study/pulls/8", (b) => {
        patched = b;
        return true;
      })
      .reply(200, { number: 8, html_url: "https://github.com/lab/study/pull/8", draft: false });
    const { pushed: out } = await fixAndPush([trim]);
    second.done();
    expect(out).toMatchObject({
      kind: "pushed",
      branchExisted: true,
      pr: { action: "updated", number: 8 },
    });
    expect(patched.title).toBe("labgate auto-fix for #7");
    expect(git(repo.remote, "rev-parse", "labgate/autofix/7^")).toBe(
      git(repo.remote, "rev-parse", "feature"),
    );
    expect(git(repo.remote, "rev-list", "--count", "feature..labgate/autofix/7")).toBe("1");
  });

  it("a leftover labgate/autofix/<pr> branch (its PR closed) is replaced and a new PR opened", async () => {
    await repo.git.raw(["push", "origin", "main:refs/heads/labgate/autofix/7"]);
    const stale = git(repo.remote, "rev-parse", "labgate/autofix/7");
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => b.head === "labgate/autofix/7" && b.base === "feature")
      .reply(201, { number: 11, html_url: "https://github.com/lab/study/pull/11", draft: false });
    const { pushed: out } = await fixAndPush([trim]);
    scope.done();
    expect(out).toMatchObject({
      kind: "pushed",
      branchExisted: true,
      pr: { action: "created", number: 11 },
    });
    expect(git(repo.remote, "rev-parse", "labgate/autofix/7")).not.toBe(stale);
    expect(git(repo.remote, "rev-parse", "labgate/autofix/7^")).toBe(
      git(repo.remote, "rev-parse", "feature"),
    );
  });

  it("no diff -> no push and no PR", async () => {
    await repo.commit({ "train.py": "import sys\nprint(sys.argv)\n" }, "clean");
    await repo.git.push("origin", "feature");
    const { fixed, pushed } = await fixAndPush([trim]);
    expect(fixed.kind).toBe("no-change");
    expect(pushed).toBeUndefined();
    expect(remoteHas("labgate/autofix/7")).toBe(false);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("fork PR at push time -> nothing is pushed, no API call", async () => {
    const headSha = git(repo.remote, "rev-parse", "feature");
    const prRef = { number: 7, headRef: "feature", headSha };
    const out = await pushAutofix(
      {
        octokit: createOctokit({ token: "t", retries: 0 }),
        log,
        tmpDir: tmpdir(),
        serverUrl: "https://github.example",
        token: "t",
      },
      {
        owner: "lab",
        repo: "study",
        pr: { ...prRef, state: "open", baseRef: "main", author: "mallory", fromFork: true },
        patch: "",
        result: { pr: prRef, outcomes: [] },
      },
    );
    expect(out.kind).toBe("fork");
    expect(remoteHas("labgate/autofix/7")).toBe(false);
  });

  it("the PR head moved after the fixers ran -> head-moved, nothing pushed", async () => {
    const fixedAt = git(repo.remote, "rev-parse", "feature");
    const fixed = await autofix(
      { git: GitRepo.open(repo.dir, { config: NO_HOOKS }), log, tmpDir: tmpdir() },
      {
        pr: { number: 7, headRef: "feature", headSha: fixedAt },
        definitions: "experiments/definitions.json",
        planned: planFixers(config([trim]).autofix.commands, failures),
      },
    );
    expect(fixed.kind).toBe("changed");
    if (fixed.kind !== "changed") return;
    const now = await repo.commit({ "notes.md": "more\n" }, "more work");
    await repo.git.push("origin", "feature");
    const out = await pushAutofix(
      {
        octokit: createOctokit({ token: "t", retries: 0 }),
        log,
        tmpDir: tmpdir(),
        serverUrl: "https://github.example",
        token: "t",
      },
      {
        owner: "lab",
        repo: "study",
        pr: {
          number: 7,
          headRef: "feature",
          headSha: now,
          state: "open",
          baseRef: "main",
          author: "r",
          fromFork: false,
        },
        patch: fixed.patch,
        result: {
          pr: { number: 7, headRef: "feature", headSha: fixedAt },
          outcomes: fixed.outcomes,
        },
      },
    );
    expect(out.kind).toBe("head-moved");
    expect(out.message).toContain(`now ${now.slice(0, 12)}`);
    expect(remoteHas("labgate/autofix/7")).toBe(false);
  });

  it("a fixer that fails or times out is reported once, its partial writes dropped; the others' fixes still go out", async () => {
    let body = "";
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => {
        body = b.body;
        return true;
      })
      .reply(201, { number: 9, html_url: "https://github.com/lab/study/pull/9", draft: false });
    const t0 = Date.now();
    const { fixed: out, pushed } = await fixAndPush([
      { name: "crash", command: "node tools/crash.mjs", answers: ["*"] },
      {
        name: "hang",
        command: "node tools/hang.mjs",
        answers: ["no-result"],
        timeout_seconds: 1,
      },
      trim,
    ]);
    scope.done();
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(pushed?.kind).toBe("pushed");
    expect(out.outcomes.map((o) => [o.name, o.status])).toEqual([
      ["crash", "failed"],
      ["hang", "timed-out"],
      ["trim", "changed"],
    ]);
    expect(out.outcomes[0]?.detail).toBe("exit 3: fixer blew up");
    expect(git(repo.remote, "show", "labgate/autofix/7:train.py")).toBe(
      "import sys\nprint(sys.argv)",
    );
    expect(git(repo.remote, "ls-tree", "--name-only", "labgate/autofix/7")).not.toContain(
      "hang-was-here",
    );
    expect(body).toContain("| crash | ❌ failed | — | exit 3: fixer blew up |");
    expect(body).toContain("| hang | ⏱️ timed out | — | stopped after 1s (timeout_seconds) |");
    expect(body).toContain("2 fixer(s) did not finish");
  });

  it("the built-in normalizer answers a definitions gate failure", async () => {
    await repo.commit(
      {
        "experiments/definitions.json":
          '{"version":1,"title":"t","project":"p","methods":[{"label":"B","id":"b","group":"baseline"},{"id":"a","label":"A","group":"ours"}]}',
      },
      "defs",
    );
    await repo.git.push("origin", "feature");
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => b.body.includes("normalize definitions.json"))
      .reply(201, { number: 10, html_url: "https://github.com/lab/study/pull/10", draft: false });
    const { pushed } = await fixAndPush(
      [],
      [
        {
          source: "gate",
          kind: "definitions",
          subject: "labgate/definitions",
          message: "hypotheses: required",
        },
      ],
    );
    scope.done();
    expect(pushed?.kind).toBe("pushed");
    const text = git(repo.remote, "show", "labgate/autofix/7:experiments/definitions.json");
    expect(JSON.parse(text).methods.map((m: any) => m.id)).toEqual(["a", "b"]);
    expect(text.startsWith('{\n  "version": 1,\n  "project": "p",\n  "title": "t",')).toBe(true);
  });
});
