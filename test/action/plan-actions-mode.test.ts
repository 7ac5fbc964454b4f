import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeComment,
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import {
  actionsRecord,
  BRANCH,
  GATES_RUN,
  GITHUB_ACTIONS,
  OLDER,
  PR,
} from "./helpers/actions-mode-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * The dispatch plan step in Actions mode (no labgate server): the `labgate/phase8` record is written
 * by `github-actions`, as a PR's own workflow can write too, so it counts only on evidence the PR
 * cannot forge (docs/security.md, "The dispatch plans only what was approved"). The bundled action
 * runs as the runner runs it against a stand-in GitHub; no labgate App is installed, so the default
 * `app-slug: labgate` names no app.
 */

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The default branch's gates workflow run for PR 7 at `sha`, its dry-run job ending `dryRun`. */
function gatesRun(sha: string, dryRun: string) {
  return {
    workflowRuns: {
      "labgate-gates.yml": [
        {
          id: GATES_RUN,
          status: "completed",
          conclusion: dryRun,
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
          conclusion: dryRun,
          html_url: "https://github.example/job/1",
        },
      ],
    },
  };
}

/**
 * PR 7 (by carol) at `sha` with an Actions-mode record naming comment 55, alice's
 * `/approve-phase8` written at 12:00 while `sha` was the branch's head (pushed at 11:00), the gates
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
    checkRuns: [actionsRecord(1, sha)],
    comments: {
      55: { issue: PR, user: "alice", created_at: "2026-11-30T12:00:00Z", ...comment },
    },
    defaultBranch: "main",
    // The default branch's policy: the fixture's runner pools, and another approver asked for.
    files: {
      main: {
        ".github/labgate.yml": `${campaignFiles()[".github/labgate.yml"]}approvers:\n  require_other_approver: true\n`,
      },
    },
    activity: {
      [BRANCH]: [
        { activity_type: "push", after: sha, timestamp: "2026-11-30T11:00:00Z" },
        { activity_type: "branch_creation", after: OLDER, timestamp: "2026-11-30T10:00:00Z" },
      ],
    },
    ...gatesRun(sha, "success"),
    ...opts,
  });
  return fake;
}

function plan(work: string, gh: FakeGitHub, sha: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "full" },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

const requested = (gh: FakeGitHub) => gh.requests.map((r) => `${r.method} ${r.path}`);

function expectRefused(run: Awaited<ReturnType<typeof plan>>, message: string) {
  expect(run.code).toBe(1);
  expect(run.log).toContain(`::error::refusing to plan: ${message}`);
  expect(run.outputs.runs).toBe("0");
  expect(run.outputs.matrix).toBeUndefined();
  expect(run.summary).toContain("## labgate plan: refused");
}

const gatesRed = (sha: string) =>
  `the Actions-mode approval of PR #7 at ${sha.slice(0, 7)} (comment 55 by @alice) counts only when every gate is green at ${sha.slice(0, 7)}, recomputed here from the checkout and the gates workflow's runs (no check run by github-actions is believed); they are not:`;

describe("plan step, Actions mode: a github-actions approval record counts only on evidence", () => {
  it("plans the full phase for a record whose comment was written on the head, by a writer, gates green by recomputation", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head);
    const run = await plan(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
    expect(JSON.parse(run.outputs.matrix as string).include).toHaveLength(2);
    // The evidence, all read through the API: the comment, its author's permission, the branch's
    // pushes at the comment's time, the default branch's policy, the gates workflow's own run.
    expect(requested(gh)).toEqual([
      "GET /repos/lab/study/pulls/7",
      "GET /apps/labgate",
      `GET /repos/lab/study/commits/${repo.head}/check-runs`,
      "GET /repos/lab/study/issues/comments/55",
      "POST /graphql",
      "GET /repos/lab/study/collaborators/alice/permission",
      "GET /repos/lab/study/activity",
      "GET /repos/lab/study",
      "GET /repos/lab/study/contents/.github/labgate.yml",
      "GET /repos/lab/study/issues/7/comments",
      "GET /repos/lab/study/actions/workflows/labgate-gates.yml/runs",
      `GET /repos/lab/study/actions/runs/${GATES_RUN}/jobs`,
      // The plan is made with the same policy: the step loads it once, not again.
      // One dispatch of an approval at a time: no other run of it is queued or running.
      "GET /repos/lab/study/actions/workflows/labgate-dispatch.yml/runs",
    ]);
  });

  it("plans when the comment names the head (`/approve-phase8 <sha>`), whatever the branch's pushes say", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      comment: { body: `Looks right.\n/approve-phase8 ${repo.head}` },
      activity: {},
    });
    const run = await plan(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
    expect(requested(gh)).not.toContain("GET /repos/lab/study/activity");
  });

  it("refuses the same record when the comment was written while another commit was the head", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      // alice approved OLDER at 12:00; the PR's author pushed the head at 12:30.
      activity: {
        [BRANCH]: [
          { activity_type: "push", after: repo.head, timestamp: "2026-11-30T12:30:00Z" },
          { activity_type: "push", after: OLDER, timestamp: "2026-11-30T11:00:00Z" },
        ],
      },
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      `the approving comment 55 by @alice was written at 2026-11-30T12:00:00Z, when the head of \`feature\` was ${OLDER}, not ${repo.head}: it approved another commit. Review ${repo.head.slice(0, 7)} and approve with \`/approve-phase8 ${repo.head}\` on PR #7.`,
    );
  });

  it("refuses a comment naming only a 7-digit prefix of the head: a birthday-searched twin shares it", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      comment: { body: `Looks right.\n/approve-phase8 ${repo.head.slice(0, 7)}` },
      activity: {},
    });
    expectRefused(
      await plan(repo.work, gh, repo.head),
      `the approving comment 55 by @alice names the abbreviated SHA \`${repo.head.slice(0, 7)}\`, which pins no commit (two commits sharing a short prefix are made in seconds); it approves nothing. Review ${repo.head.slice(0, 7)} and approve with \`/approve-phase8 ${repo.head}\` on PR #7.`,
    );
  });

  it("refuses a completed record: its evidence still holds, but the approval already ran once", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { state: "completed" })],
    });
    const run = await plan(repo.work, gh, repo.head);
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      `::error::refusing to plan: the approval of PR #7 at ${repo.head.slice(0, 7)} is completed (labgate/phase8 record 1): its dispatch already ran, and an approval runs once.`,
    );
  });

  it("refuses a comment that names another commit, and one whose moment GitHub no longer lists", async () => {
    const repo = repoWithBranch(campaignFiles());
    const other = await github(repo.head, { comment: { body: `/approve-phase8 ${OLDER}` } });
    expectRefused(
      await plan(repo.work, other, repo.head),
      `the approving comment 55 by @alice approves \`${OLDER}\`, not ${repo.head}; it approves nothing here.`,
    );
    await other.close();
    const unlisted = await github(repo.head, { activity: {} });
    expectRefused(
      await plan(repo.work, unlisted, repo.head),
      `labgate cannot tell which commit the approving comment 55 by @alice approved: it names no SHA and GitHub lists no push to \`feature\` at or before 2026-11-30T12:00:00Z. Approve with \`/approve-phase8 ${repo.head}\` on PR #7, naming the commit.`,
    );
  });

  it("refuses a comment whose command is hidden in an HTML comment", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, { comment: { body: "Thanks!\n<!-- /approve-phase8 -->" } });
    expectRefused(
      await plan(repo.work, gh, repo.head),
      "the approving comment 55 by @alice gives no `/approve-phase8` command",
    );
  });

  it("refuses an approval a writer closed with `/cancel` after it; a read-only user's `/cancel` closes nothing", async () => {
    const repo = repoWithBranch(campaignFiles());
    const later = (user: string, created_at: string) => ({
      issue: PR,
      user,
      created_at,
      body: "Wrong dataset, stop.\n/cancel",
    });
    const readOnly = await github(repo.head, {
      comments: {
        55: { issue: PR, user: "alice", created_at: "2026-11-30T12:00:00Z" },
        56: later("bob", "2026-11-30T12:10:00Z"),
      },
    });
    const ran = await plan(repo.work, readOnly, repo.head);
    expect(ran.log).not.toContain("::error::");
    expect(ran.code).toBe(0);
    expect(requested(readOnly)).toContain("GET /repos/lab/study/collaborators/bob/permission");
    await readOnly.close();
    const cancelled = await github(repo.head, {
      comments: {
        55: { issue: PR, user: "alice", created_at: "2026-11-30T12:00:00Z" },
        56: later("bob", "2026-11-30T12:10:00Z"),
        57: later("carol", "2026-11-30T12:20:00Z"),
      },
    });
    expectRefused(
      await plan(repo.work, cancelled, repo.head),
      `@carol cancelled the approval with \`/cancel\` (comment 57, at 2026-11-30T12:20:00Z) after the approving comment 55; it dispatches nothing now. To run ${repo.head.slice(0, 7)}, approve again with \`/approve-phase8 ${repo.head}\` on PR #7.`,
    );
  });

  it("plans on the real record when a forged one naming another PR's comment is older", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { comment_id: 60 }), actionsRecord(2, repo.head)],
      comments: {
        55: { issue: PR, user: "alice", created_at: "2026-11-30T12:00:00Z" },
        60: { issue: 8, user: "alice", created_at: "2026-11-30T12:00:00Z" },
      },
    });
    const run = await plan(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
    expect(requested(gh)).toContain("GET /repos/lab/study/issues/comments/60");
  });

  it("refuses a comment by a read-only user", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { by: "bob" })],
      comment: { user: "bob" },
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      "@bob, who approved PR #7, now has read permission; an approval needs write, maintain or admin permission.",
    );
    expect(requested(gh)).not.toContain("GET /repos/lab/study/activity");
  });

  it("refuses the PR author's own approval when the default branch's policy asks for another approver", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { by: "carol" })],
      comment: { user: "carol" },
    });
    expectRefused(
      await plan(repo.work, gh, repo.head),
      "@carol opened PR #7 and wrote the approving comment 55, but `approvers.require_other_approver` in .github/labgate.yml (`main`) asks for someone else: another writer must approve with",
    );
    expect(requested(gh)).not.toContain(
      "GET /repos/lab/study/actions/workflows/labgate-gates.yml/runs",
    );
  });

  it("refuses when the gates are red at sha, recomputed from the checkout (a definitions error)", async () => {
    const files = campaignFiles();
    files["experiments/definitions.json"] = files["experiments/definitions.json"]?.replace(
      '"method": "ours"',
      '"method": "nope"',
    ) as string;
    const repo = repoWithBranch(files);
    // A green labgate/definitions check by github-actions on the head is never believed.
    const gh = await github(repo.head, {
      checkRuns: [
        actionsRecord(1, repo.head),
        {
          id: 2,
          name: "labgate/definitions",
          head_sha: repo.head,
          status: "completed",
          conclusion: "success",
          app: { id: GITHUB_ACTIONS.id, slug: GITHUB_ACTIONS.slug },
          output: { title: "valid", summary: "" },
        },
      ],
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(run, gatesRed(repo.head));
    expect(run.log).toMatch(/`labgate\/definitions` is failure \(.*recomputed from the files/);
  });

  it("refuses when the gates workflow's dry-run of sha failed, or none ran", async () => {
    const repo = repoWithBranch(campaignFiles());
    const failed = await github(repo.head, gatesRun(repo.head, "failure"));
    const run = await plan(repo.work, failed, repo.head);
    expectRefused(run, gatesRed(repo.head));
    expect(run.log).toContain(
      `\`labgate/code-review\`: the dry-run failed (job \`dry-run\` of [gates run ${GATES_RUN}]`,
    );
    await failed.close();
    const none = await github(repo.head, gatesRun(OLDER, "success"));
    const pending = await plan(repo.work, none, repo.head);
    expectRefused(pending, gatesRed(repo.head));
    expect(pending.log).toContain("`labgate/code-review`: the dry-run is still pending");
    expect(pending.log).toContain(
      `Wait for the gates workflow's run of ${repo.head.slice(0, 7)} to finish, then re-run this workflow.`,
    );
    expect(run.log).toContain("Fix them and push; then approve with `/approve-phase8 <new head>`");
  });

  it("refuses a forged github-actions record that names no comment", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [actionsRecord(1, repo.head, { comment_id: undefined })],
    });
    const run = await plan(repo.work, gh, repo.head);
    expectRefused(
      run,
      `the approval record for PR #7 on labgate/phase8 at ${repo.head.slice(0, 7)} was written by github-actions (a workflow's GITHUB_TOKEN, which a PR's own workflow also holds) and names no approving comment, so nothing stands behind it: ignored. In Actions mode, approve with \`/approve-phase8 ${repo.head}\` on PR #7`,
    );
    expect(requested(gh)).toEqual([
      "GET /repos/lab/study/pulls/7",
      "GET /apps/labgate",
      `GET /repos/lab/study/commits/${repo.head}/check-runs`,
    ]);
  });
});
