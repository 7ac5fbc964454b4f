import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readActionEnv } from "../../src/action/action-env.js";
import type { ModeDeps } from "../../src/action/action-mode.js";
import { parseInputs } from "../../src/action/inputs.js";
import { MODES } from "../../src/action/modes/index.js";
import { createOctokit } from "../../src/github/octokit.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";
import { stateEntry } from "../helpers/state-fixture.js";

const API = "https://api.github.com";
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

let repo: TestRepo;
let headSha: string;

function deps(): ModeDeps {
  const parsed = parseInputs({ mode: "autofix", pr: "7", token: "t" }, MODES);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const octokit = createOctokit({ token: "t", retries: 0 });
  return {
    inputs: parsed.inputs,
    env: readActionEnv(
      { GITHUB_REPOSITORY: "lab/study", GITHUB_RUN_ID: "31", RUNNER_TEMP: tmpdir() },
      tmpdir(),
    ),
    cwd: repo.dir,
    log: { info: () => undefined, warning: () => undefined },
    octokit: () => octokit,
    artifacts: () => {
      throw new Error("autofix uploads no artifacts");
    },
  };
}

const pull = (headRepo: string) => ({
  number: 7,
  state: "open",
  head: {
    sha: headSha,
    ref: "feature",
    repo: { id: headRepo === "lab/study" ? 1 : 2, full_name: headRepo },
  },
  base: { ref: "main", repo: { id: 1, full_name: "lab/study" } },
  user: { login: "researcher" },
});

beforeEach(async () => {
  nock.disableNetConnect();
  repo = await createTestRepo();
  await repo.git.checkoutLocalBranch("feature");
  headSha = await repo.commit(
    {
      ".github/labgate.yml":
        "autofix:\n  commands:\n    - name: strip-tabs\n      command: node tools/untab.mjs train.py\n      answers: [code-review, no-result]\n",
      "tools/untab.mjs":
        'import { readFileSync, writeFileSync } from "node:fs";\nconst f = process.argv[2];\nwriteFileSync(f, readFileSync(f, "utf8").replace(/\\t/g, "    "));\n',
      "train.py": "def main():\n\tpass\n",
      "dispatch/state.json": JSON.stringify({
        project: "demo",
        updated: "2025-01-01T00:00:00Z",
        experiments: [
          stateEntry({
            id: "full-ours_s1",
            status: "failed",
            reason: "no-result: exited 0 without writing its result file",
            run_url: "https://github.com/lab/study/actions/runs/30",
          }),
        ],
      }),
    },
    "feature",
  );
  await repo.git.push("origin", "feature");
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("action mode autofix", () => {
  it("reads the failing labgate checks and the failed runs, and opens the fix PR naming both", async () => {
    let body = "";
    const scope = nock(API)
      .get("/repos/lab/study/pulls/7")
      .reply(200, pull("lab/study"))
      .get(`/repos/lab/study/commits/${headSha}/check-runs`)
      .query(true)
      .reply(200, {
        total_count: 2,
        check_runs: [
          {
            id: 1,
            name: "labgate/code-review",
            conclusion: "failure",
            html_url: "https://github.com/lab/study/runs/1",
            output: { title: "CODE_REVISE" },
          },
          {
            id: 2,
            name: "labgate/definitions",
            conclusion: "success",
            html_url: "https://github.com/lab/study/runs/2",
            output: { title: "VALID" },
          },
        ],
      })
      .get("/repos/lab/study/check-runs/1/annotations")
      .query(true)
      .reply(200, [
        {
          path: "train.py",
          start_line: 2,
          annotation_level: "failure",
          message: "tabs for indentation",
          title: "style",
        },
        {
          path: "train.py",
          start_line: 1,
          annotation_level: "warning",
          message: "no docstring",
          title: "style",
        },
      ])
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => {
        body = b.body;
        return b.head === "labgate/autofix/7" && b.base === "feature";
      })
      .reply(201, { number: 8, html_url: "https://github.com/lab/study/pull/8", draft: false });
    const out = await MODES.autofix?.run(deps());
    scope.done();
    expect(out?.failure).toBeUndefined();
    expect(out?.outputs).toEqual({
      autofix: "pushed",
      "pr-url": "https://github.com/lab/study/pull/8",
    });
    expect(out?.summary).toContain("| strip-tabs | changed | train.py | — |");
    expect(body).toContain(
      "[labgate/code-review](https://github.com/lab/study/runs/1) — code-review: tabs for indentation (`train.py:2`)",
    );
    expect(body).toContain(
      "[full-ours_s1](https://github.com/lab/study/actions/runs/30) — no-result",
    );
    expect(body).not.toContain("no docstring");
    expect(git(repo.remote, "show", "labgate/autofix/7:train.py")).toBe("def main():\n    pass");
    // The token went to git per command only: nothing in the checkout's config.
    expect(git(repo.dir, "config", "--list", "--local")).not.toMatch(/extraheader|x-access-token/i);
  });

  it("a broken .github/labgate.yml fails the step with its line, instead of running on defaults", async () => {
    repo.write({
      ".github/labgate.yml": "autofix:\n  commands:\n    - name: x\n      comand: typo\n",
    });
    const scope = nock(API).get("/repos/lab/study/pulls/7").reply(200, pull("lab/study"));
    const out = await MODES.autofix?.run(deps());
    scope.done();
    expect(out?.failure).toBe(".github/labgate.yml is not valid; see the job summary");
    expect(out?.summary).toMatch(/\.github\/labgate\.yml:4:\d+/);
    expect(git(repo.remote, "branch", "--list", "labgate/autofix/7")).toBe("");
  });

  it("a fork PR: no checks read, nothing run, nothing pushed", async () => {
    const scope = nock(API).get("/repos/lab/study/pulls/7").reply(200, pull("mallory/study"));
    const out = await MODES.autofix?.run(deps());
    scope.done();
    expect(out?.outputs.autofix).toBe("fork");
    expect(out?.summary).toContain("comes from a fork");
    expect(git(repo.remote, "branch", "--list", "labgate/autofix/7")).toBe("");
  });
});
