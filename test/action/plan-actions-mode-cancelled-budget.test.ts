import { afterEach, describe, expect, it } from "vitest";
import { type FakeComment, type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { actionsRecord, BRANCH, GATES_RUN, OLDER, PR } from "./helpers/actions-mode-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * (Fixture as in plan-actions-mode-budget.test.ts.) Actions mode and the approval's GPU-hour budget (docs/approval.md, "The budget"): a
 * `github-actions` record's `budget_gpu_hours` is as forgeable as the record, so the plan step
 * believes only a `budget=N` in a verified approving comment, else the default branch's budget.
 * The campaign: 6 runs of 0.01 h, one wave; the default branch's config allows 1 GPU-hour (within
 * it, so the design debate's Skeptic passes it); an approver's `budget=0.01` is below the wave.
 */
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function github(
  sha: string,
  records: unknown[],
  comments: Record<number, Partial<FakeComment>>,
): Promise<FakeGitHub> {
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: BRANCH, sha, author: "carol" } },
    apps: {},
    permissions: { alice: "write", bob: "write", carol: "write" },
    checkRuns: records as never,
    comments: Object.fromEntries(
      Object.entries(comments).map(([id, c]) => [
        id,
        { issue: PR, user: "alice", created_at: "2026-11-30T12:00:00Z", ...c },
      ]),
    ),
    defaultBranch: "main",
    files: {
      main: {
        ".github/labgate.yml": `${campaignFiles()[".github/labgate.yml"]}budget:\n  gpu_hours: 1\n`,
      },
    },
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
  });
  return fake;
}

function plan(work: string, gh: FakeGitHub, sha: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "full" },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

const OVER =
  "0 GPU-hours measured so far + 0.06 estimated for wave 1 = 0.06 GPU-hours, over the approved budget of 0.01 GPU-hours.";

describe("plan step, Actions mode: a cancelled approval's budget does not come back", () => {
  it("budget=1 given, then /cancel, then a new approval with budget=0.01: the old budget=1 is not counted", async () => {
    const repo = repoWithBranch(campaignFiles());
    const records = [
      // the forged or stale record naming the cancelled comment
      actionsRecord(1, repo.head, { comment_id: 55, budget_gpu_hours: 1 }),
      actionsRecord(2, repo.head, { by: "bob", comment_id: 57, at: "2026-11-30T13:00:05Z" }),
    ];
    const comments = {
      55: { body: `/approve-phase8 ${repo.head} budget=1` },
      56: { body: "/cancel", created_at: "2026-11-30T12:30:00Z" },
      57: {
        user: "bob",
        created_at: "2026-11-30T13:00:00Z",
        body: `/approve-phase8 ${repo.head} budget=0.01`,
      },
    };
    const gh = await github(repo.head, records, comments);
    const run = await plan(repo.work, gh, repo.head);
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      `::error::refusing to plan wave 1: the GPU-hour budget does not cover wave 1: ${OVER}`,
    );
  });

  it("without the /cancel, the same budget=1 counts (the largest): the wave plans", async () => {
    const repo = repoWithBranch(campaignFiles());
    const records = [
      actionsRecord(1, repo.head, { comment_id: 55, budget_gpu_hours: 1 }),
      actionsRecord(2, repo.head, { by: "bob", comment_id: 57, at: "2026-11-30T13:00:05Z" }),
    ];
    const gh = await github(repo.head, records, {
      55: { body: `/approve-phase8 ${repo.head} budget=1` },
      57: {
        user: "bob",
        created_at: "2026-11-30T13:00:00Z",
        body: `/approve-phase8 ${repo.head} budget=0.01`,
      },
    });
    const run = await plan(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
  });
});
