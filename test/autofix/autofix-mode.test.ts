import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readActionEnv } from "../../src/action/action-env.js";
import type { ModeDeps } from "../../src/action/action-mode.js";
import { parseInputs } from "../../src/action/inputs.js";
import { autofixPlanFile } from "../../src/action/modes/autofix-plan.js";
import { MODES } from "../../src/action/modes/index.js";
import { createOctokit } from "../../src/github/octokit.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";
import { stateEntry } from "../helpers/state-fixture.js";

const API = "https://api.github.com";

let repo: TestRepo;
let headSha: string;
let temp: string;

function deps(mode: string): ModeDeps {
  const parsed = parseInputs({ mode, pr: "7", token: "t" }, MODES);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const octokit = createOctokit({ token: "t", retries: 0 });
  return {
    inputs: parsed.inputs,
    env: readActionEnv(
      { GITHUB_REPOSITORY: "lab/study", GITHUB_RUN_ID: "31", RUNNER_TEMP: temp },
      tmpdir(),
    ),
    cwd: repo.dir,
    log: { info: () => undefined, warning: () => undefined },
    octokit: () => octokit,
    artifacts: () => {
      throw new Error("autofix-plan uploads no artifacts");
    },
  };
}

const pull = (headRepoId: number) => ({
  number: 7,
  state: "open",
  head: {
    sha: headSha,
    ref: "feature",
    repo: { id: headRepoId, full_name: headRepoId === 1 ? "lab/study" : "mallory/study" },
  },
  base: { ref: "main", repo: { id: 1, full_name: "lab/study" } },
  user: { login: "researcher" },
});
const file = (text: string) => ({
  type: "file",
  encoding: "base64",
  size: Buffer.byteLength(text),
  content: Buffer.from(text).toString("base64"),
});
const DEFAULT_BRANCH_CONFIG =
  "autofix:\n  commands:\n    - name: strip-tabs\n      command: node tools/untab.mjs train.py\n      answers: [code-review, no-result]\n";
const STATE = JSON.stringify({
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
});

beforeEach(async () => {
  nock.disableNetConnect();
  temp = mkdtempSync(join(tmpdir(), "labgate-autofix-plan-"));
  repo = await createTestRepo();
  await repo.git.checkoutLocalBranch("feature");
  headSha = await repo.commit({ "train.py": "def main():\n\tpass\n" }, "feature");
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("action mode autofix-plan", () => {
  it("reads the failing labgate checks, the failed runs at the PR head and the fixers of the default branch, and leaves the plan", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls/7")
      .reply(200, pull(1))
      .get("/repos/lab/study")
      .reply(200, { id: 1, default_branch: "main" })
      .get("/repos/lab/study/contents/.github%2Flabgate.yml")
      .query({ ref: "main" })
      .reply(200, file(DEFAULT_BRANCH_CONFIG))
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
      .get("/repos/lab/study/contents/dispatch%2Fstate.json")
      .query({ ref: headSha })
      .reply(200, file(STATE));
    const out = await MODES["autofix-plan"]?.run(deps("autofix-plan"));
    scope.done();
    expect(out?.failure).toBeUndefined();
    expect(out?.outputs).toEqual({ autofix: "planned", sha: headSha });
    const plan = JSON.parse(readFileSync(autofixPlanFile(temp, 7), "utf8"));
    expect(plan.pr).toEqual({ number: 7, headRef: "feature", headSha });
    expect(plan.planned.map((p: any) => [p.fixer.name, p.fixer.command])).toEqual([
      ["strip-tabs", "node tools/untab.mjs train.py"],
    ]);
    expect(plan.planned[0].answers.map((f: any) => [f.subject, f.message])).toEqual([
      ["labgate/code-review", "tabs for indentation"],
      ["full-ours_s1", "no-result: exited 0 without writing its result file"],
    ]);
  });

  it("a broken .github/labgate.yml on the default branch fails the step with its line; no plan", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls/7")
      .reply(200, pull(1))
      .get("/repos/lab/study")
      .reply(200, { id: 1, default_branch: "main" })
      .get("/repos/lab/study/contents/.github%2Flabgate.yml")
      .query({ ref: "main" })
      .reply(200, file("autofix:\n  commands:\n    - name: x\n      comand: typo\n"));
    const out = await MODES["autofix-plan"]?.run(deps("autofix-plan"));
    scope.done();
    expect(out?.outputs.autofix).toBe("config-invalid");
    expect(out?.failure).toMatch(/default branch \(main\) is not valid/);
    expect(out?.failure).toMatch(/\.github\/labgate\.yml:4:\d+/);
    expect(existsSync(autofixPlanFile(temp, 7))).toBe(false);
  });

  it("a fork PR: nothing else read, no plan", async () => {
    const scope = nock(API).get("/repos/lab/study/pulls/7").reply(200, pull(99));
    const out = await MODES["autofix-plan"]?.run(deps("autofix-plan"));
    scope.done();
    expect(out?.outputs).toEqual({ autofix: "fork", sha: "" });
    expect(out?.summary).toContain("comes from a fork");
    expect(existsSync(autofixPlanFile(temp, 7))).toBe(false);
  });

  it("no fixer answers the failures: nothing-to-answer, no plan", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls/7")
      .reply(200, pull(1))
      .get("/repos/lab/study")
      .reply(200, { id: 1, default_branch: "main" })
      .get("/repos/lab/study/contents/.github%2Flabgate.yml")
      .query({ ref: "main" })
      .reply(200, file(DEFAULT_BRANCH_CONFIG))
      .get(`/repos/lab/study/commits/${headSha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .get("/repos/lab/study/contents/dispatch%2Fstate.json")
      .query({ ref: headSha })
      .reply(404, { message: "Not Found" });
    const out = await MODES["autofix-plan"]?.run(deps("autofix-plan"));
    scope.done();
    expect(out?.outputs).toEqual({ autofix: "nothing-to-answer", sha: headSha });
    expect(existsSync(autofixPlanFile(temp, 7))).toBe(false);
  });
});
