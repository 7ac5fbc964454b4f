import { afterEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * Security review of the dispatch chain (issue #19): a writer (a same-repository PR's author can
 * run workflows by hand) dispatches the dispatch workflow while the approved campaign's wave is
 * queued or running. The plan step refuses it: one dispatch of an approval at a time
 * (docs/security.md). This run is 4242 (GITHUB_RUN_ID in runBundledAction).
 */
const LABGATE_APP = { id: 101, slug: "labgate" };
const PR = 7;
const OWN_RUN = 4242;
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function phase8Dispatching(id: number, sha: string) {
  const record: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha,
    phase: "full",
    by: "alice",
    at: "2026-11-30T12:00:00Z",
    state: "dispatching",
  };
  return {
    id,
    name: "labgate/phase8",
    head_sha: sha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(record),
    app: { id: LABGATE_APP.id, slug: LABGATE_APP.slug },
    output: { title: "Approved by @alice — dispatching", summary: "" },
  };
}

function dispatchRun(id: number, sha: string, status: string, wave = 1, pr = PR) {
  return {
    id,
    status,
    conclusion: status === "completed" ? "success" : null,
    html_url: `https://github.example/lab/study/actions/runs/${id}`,
    head_sha: "d".repeat(40),
    event: "workflow_dispatch",
    head_branch: "main",
    display_title: dispatchRunTitle({ pr, sha, phase: "full", wave }),
  };
}

/** The approved campaign at the PR head, the dispatch workflow's runs as `runs`; plans wave `wave`. */
async function planWith(runs: (sha: string) => unknown[], wave = "2") {
  const files = campaignFiles();
  const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
  files[".github/labgate.yml"] = config;
  const repo = repoWithBranch(files);
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: "feature", sha: repo.head } },
    apps: { [LABGATE_APP.slug]: LABGATE_APP.id },
    permissions: { alice: "write" },
    defaultBranch: "main",
    checkRuns: [phase8Dispatching(1, repo.head)] as never,
    files: { main: { ".github/labgate.yml": config } },
    workflowRuns: { "labgate-dispatch.yml": runs(repo.head) },
  });
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha: repo.head, phase: "full", wave },
    { GITHUB_WORKSPACE: repo.work, GITHUB_API_URL: fake.url },
  );
}

describe("one dispatch of an approval at a time", () => {
  it("wave 2 typed by hand while wave 1 is still running (head == approved sha): refused, nothing planned, the running run named", async () => {
    const run = await planWith((sha) => [
      dispatchRun(OWN_RUN, sha, "in_progress", 2),
      dispatchRun(4000, sha, "in_progress", 1),
    ]);
    expect(run.outputs.runs).toBe("0");
    expect(run.outputs.matrix).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.log).toContain(`another dispatch of PR #${PR} at`);
    expect(run.log).toContain("/actions/runs/4000");
    expect(run.summary).toContain("## labgate plan: refused");
  });

  it("an earlier run of the approval still queued (another wave, same PR, commit and phase) refuses too", async () => {
    const run = await planWith((sha) => [dispatchRun(4001, sha, "queued", 3)], "1");
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain("is queued");
  });

  it("plans when the other runs are finished, of another PR or commit, or queued behind this one", async () => {
    const run = await planWith(
      (sha) => [
        dispatchRun(5000, sha, "queued", 3),
        dispatchRun(OWN_RUN, sha, "in_progress", 1),
        dispatchRun(4000, sha, "completed", 1),
        dispatchRun(3999, sha, "in_progress", 1, 8),
        dispatchRun(3998, "b".repeat(40), "in_progress", 1),
      ],
      "1",
    );
    expect(run.log).not.toContain("another dispatch");
    expect(Number(run.outputs.runs)).toBeGreaterThan(0);
  });
});
