import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeComment,
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { actionsRecord, BRANCH, GATES_RUN, OLDER, PR } from "./helpers/actions-mode-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * The dispatch plan step of a pilot in Actions mode (no labgate server): the `/run-pilot` record on
 * `labgate/pilot-dispatch` is written by `github-actions`, as a PR's own workflow can write too, so
 * it counts only on the evidence behind it, as the full phase's record does (docs/security.md,
 * "The dispatch plans only what was approved"). No labgate App is installed, so the default
 * `app-slug: labgate` names no app.
 */

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/**
 * PR 7 (by carol) at `sha` with an Actions-mode pilot record naming comment 55, alice's
 * `/run-pilot` written at 12:00 while `sha` was the branch's head (pushed at 11:00), the gates
 * workflow's dry-run of `sha` passed, and the default branch's labgate.yml asking for another
 * approver than the author.
 */
async function github(
  sha: string,
  more: Partial<FakeGitHubOptions> & { comment?: Partial<FakeComment> } = {},
): Promise<FakeGitHub> {
  const { comment, ...opts } = more;
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: BRANCH, sha, author: "carol" } },
    apps: {},
    permissions: { alice: "write", carol: "write", bob: "read" },
    checkRuns: [actionsRecord(1, sha, { phase: "pilot" })],
    comments: {
      55: {
        issue: PR,
        user: "alice",
        created_at: "2026-11-30T12:00:00Z",
        body: "/run-pilot",
        ...comment,
      },
    },
    defaultBranch: "main",
    files: { main: { ".github/labgate.yml": "approvers:\n  require_other_approver: true\n" } },
    activity: {
      [BRANCH]: [
        { activity_type: "push", after: sha, timestamp: "2026-11-30T11:00:00Z" },
        { activity_type: "branch_creation", after: OLDER, timestamp: "2026-11-30T10:00:00Z" },
      ],
    },
    workflowRuns: {
      "labgate-gates.yml": [
        {
          id: GATES_RUN,
          status: "completed",
          conclusion: "success",
          html_url: `https://github.example/lab/study/actions/runs/${GATES_RUN}`,
          head_sha: "d".repeat(40),
          event: "workflow_dispatch",
          head_branch: "main",
          display_title: `labgate gates: PR #${PR} at ${sha}`,
        },
      ],
    },
    runJobs: {
      [GATES_RUN]: [
        {
          id: 1,
          name: "dry-run",
          status: "completed",
          conclusion: "success",
          html_url: "https://github.example/job/1",
        },
      ],
    },
    ...opts,
  });
  return fake;
}

function plan(work: string, gh: FakeGitHub, sha: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "pilot" },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

function expectRefused(run: Awaited<ReturnType<typeof plan>>, message: string) {
  expect(run.code).toBe(1);
  expect(run.log).toContain(`::error::refusing to plan: ${message}`);
  expect(run.outputs.runs).toBe("0");
  expect(run.outputs.matrix).toBeUndefined();
}

describe("plan step, Actions mode: a github-actions pilot record counts only on evidence", () => {
  it("plans the pilot for a /run-pilot comment written on the head by a writer other than the author, definitions and code review green", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head);
    const run = await plan(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("1");
  });

  it("refuses a pilot record whose comment gives no /run-pilot (an /approve-phase8 starts no pilot)", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, { comment: { body: "/approve-phase8" } });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      "the comment 55 by @alice that the pilot record names gives no `/run-pilot` command",
    );
  });

  it("refuses a /run-pilot written while another commit was the head", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, { comment: { created_at: "2026-11-30T10:30:00Z" } });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      `the \`/run-pilot\` comment 55 by @alice was written at 2026-11-30T10:30:00Z, when the head of \`feature\` was ${OLDER}, not ${repo.head}: it started no pilot of ${repo.head}.`,
    );
  });

  it("refuses the PR author's own /run-pilot when the default branch's policy asks for another approver", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { phase: "pilot", by: "carol" })],
      comment: { user: "carol" },
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      "@carol opened PR #7 and wrote the approving comment 55, but `approvers.require_other_approver` in .github/labgate.yml (`main`) asks for someone else: another writer must comment `/run-pilot` on PR #7",
    );
  });

  it("refuses a pilot with only a full-phase record (a /approve-phase8 approves no pilot)", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { phase: "full" })],
      comment: { body: "/approve-phase8" },
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(run, 'no GitHub App has the slug "labgate"; set the action\'s `app-slug` input');
  });
});
