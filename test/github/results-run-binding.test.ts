import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ComparedCommit } from "../../src/core/approval/results-commits.js";
import { unboundResultsCommits } from "../../src/github/compare-commits.js";
import { createOctokit } from "../../src/github/octokit.js";

/**
 * A results commit counts only when its `Labgate-Run` trailer names a run of the default branch's
 * dispatch workflow for this PR and approved commit (docs/security.md, "What this does not
 * close"): a PR's own `pull_request` workflow commits as github-actions[bot] / web-flow, verified,
 * just as the aggregate job does.
 */
const API = "https://api.github.com";
const repo = { owner: "lab", repo: "study" };
const SHA = "a".repeat(40);
const expected = {
  workflowPath: ".github/workflows/labgate-dispatch.yml",
  defaultBranch: "main",
  pr: 7,
  sha: SHA,
};
const octokit = () => createOctokit({ token: "test-token", retries: 0 });

const commit = (sha: string, message: string, committedAt = "2026-11-30T14:00:00Z") =>
  ({
    sha,
    authorLogin: "github-actions[bot]",
    committerLogin: "web-flow",
    authorName: "github-actions[bot]",
    verified: true,
    verificationReason: "valid",
    message,
    committedAt,
  }) satisfies ComparedCommit;

const results = (run: string) =>
  `labgate: results (full)\n\nLabgate-Source-Commit: ${SHA}\nLabgate-Run: ${run}\n`;
const runUrl = (id: number) => `https://github.com/lab/study/actions/runs/${id}`;

const dispatchRun = (over: Record<string, unknown> = {}) => ({
  id: 900,
  path: ".github/workflows/labgate-dispatch.yml",
  head_branch: "main",
  event: "workflow_dispatch",
  display_title: `labgate dispatch: PR #7 at ${SHA} (full, wave 1)`,
  created_at: "2026-11-30T12:00:00Z",
  ...over,
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("unboundResultsCommits: each results commit names a dispatch run of this approval", () => {
  it("labgate's aggregate commit, naming its dispatch run: bound", async () => {
    const scope = nock(API).get("/repos/lab/study/actions/runs/900").reply(200, dispatchRun());
    const out = await unboundResultsCommits(
      octokit(),
      repo,
      [commit("b".repeat(40), results(runUrl(900)))],
      expected,
    );
    expect(out).toEqual([]);
    scope.done();
  });

  it("a commit by the PR's own pull_request workflow (no trailer): refused", async () => {
    const out = await unboundResultsCommits(
      octokit(),
      repo,
      [commit("b".repeat(40), "update results\n")],
      expected,
    );
    expect(out).toEqual(["`bbbbbbb` has 0 Labgate-Run trailers, not one"]);
  });

  it.each([
    [
      "a run of the PR's own workflow",
      { path: ".github/workflows/x.yml", event: "pull_request", head_branch: "feature" },
      "names run 900 of `.github/workflows/x.yml`, not of the dispatch workflow",
    ],
    [
      "the dispatch workflow run on another branch",
      { head_branch: "feature" },
      "on branch `feature`, not the default branch `main`",
    ],
    ["the dispatch workflow run by another event", { event: "push" }, "started by `push`"],
    [
      "a dispatch of another PR",
      { display_title: `labgate dispatch: PR #8 at ${SHA} (full, wave 1)` },
      "which is not a dispatch of PR #7 at aaaaaaa",
    ],
    [
      "a run created after the commit",
      { created_at: "2026-11-30T15:00:00Z" },
      "created after the commit was made",
    ],
  ])("a trailer naming %s: refused", async (_what, over, why) => {
    nock(API).get("/repos/lab/study/actions/runs/900").reply(200, dispatchRun(over));
    const out = await unboundResultsCommits(
      octokit(),
      repo,
      [commit("b".repeat(40), results(runUrl(900)))],
      expected,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(why);
  });

  it("a run GitHub does not know, a run of another repository, two trailers: refused", async () => {
    nock(API).get("/repos/lab/study/actions/runs/901").reply(404, { message: "Not Found" });
    const out = await unboundResultsCommits(
      octokit(),
      repo,
      [
        commit("b".repeat(40), results(runUrl(901))),
        commit("c".repeat(40), results("https://github.com/evil/study/actions/runs/900")),
        commit("d".repeat(40), `${results(runUrl(900))}Labgate-Run: ${runUrl(902)}\n`),
      ],
      expected,
    );
    expect(out).toEqual([
      "`bbbbbbb` names run 901, which GitHub does not know",
      "`ccccccc` has a Labgate-Run trailer that names no run of lab/study",
      "`ddddddd` has 2 Labgate-Run trailers, not one",
    ]);
  });

  it("two commits naming one run (a `/retry` re-runs the aggregate job in a new attempt of the same run, which commits again): bound, the run read once", async () => {
    const scope = nock(API).get("/repos/lab/study/actions/runs/900").reply(200, dispatchRun());
    const out = await unboundResultsCommits(
      octokit(),
      repo,
      [
        commit("b".repeat(40), results(runUrl(900))),
        commit("c".repeat(40), results(runUrl(900)), "2026-11-30T16:00:00Z"),
      ],
      expected,
    );
    expect(out).toEqual([]);
    scope.done();
  });

  it("GitHub failing (5xx) to say what a run is: thrown, no verdict", async () => {
    nock(API).get("/repos/lab/study/actions/runs/900").reply(502, { message: "Bad Gateway" });
    await expect(
      unboundResultsCommits(
        octokit(),
        repo,
        [commit("b".repeat(40), results(runUrl(900)))],
        expected,
      ),
    ).rejects.toThrow();
  });
});
