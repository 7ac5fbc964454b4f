import { afterEach, describe, expect, it } from "vitest";
import { decodeWaveRuns } from "../../src/core/plan/wave-runs.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import {
  type FakeComment,
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { stateEntry } from "../helpers/state-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/** The labgate app and another app installed on the repository (any app with `checks: write`). */
const LABGATE_APP = { id: 101, slug: "labgate" };
const OTHER_APP = { id: 202, slug: "other-bot" };
const GITHUB_ACTIONS = { id: 15368, slug: "github-actions" };
const PR = 7;
const CREATED = "2026-11-30T12:00:00Z";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A `labgate/phase8` check run on `sha` holding an approval record, written by `app`. */
function phase8(
  id: number,
  sha: string,
  app: { id: number; slug: string },
  record: Partial<ApprovalRecord> = {},
) {
  const full: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha,
    phase: "full",
    by: "alice",
    at: CREATED,
    state: "approved",
    ...record,
  };
  return {
    id,
    name: "labgate/phase8",
    head_sha: sha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(full),
    app: { id: app.id, slug: app.slug },
    output: { title: `Approved by @${full.by}`, summary: "" },
  };
}

/** A fake GitHub where PR 7's head is `sha`, alice can write, and the given check runs exist. */
async function github(sha: string, more: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: "feature", sha } },
    apps: {
      [LABGATE_APP.slug]: LABGATE_APP.id,
      [OTHER_APP.slug]: OTHER_APP.id,
      [GITHUB_ACTIONS.slug]: GITHUB_ACTIONS.id,
    },
    permissions: { alice: "write", bob: "read" },
    // The default branch's labgate.yml, which decides the runner pools (the fixture's own pools).
    defaultBranch: "main",
    files: { main: { ".github/labgate.yml": campaignFiles()[".github/labgate.yml"] as string } },
    ...more,
  });
  return fake;
}

/** The plan step as the dispatch workflow runs it: checkout of `sha`, inputs pr/sha/phase. */
function plan(work: string, gh: FakeGitHub, inputs: Record<string, string> & { sha: string }) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", ...inputs },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

const requested = (gh: FakeGitHub) => gh.requests.map((r) => `${r.method} ${r.path}`);

describe("action mode plan (bundled, as the runner runs it)", () => {
  it("outputs the matrix and the run count for the sha labgate approved, after checking it through the API", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, { checkRuns: [phase8(1, repo.head, LABGATE_APP)] });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
    expect(run.outputs.shards).toBe("2");
    const matrix = JSON.parse(run.outputs.matrix as string);
    expect(matrix.include.map((e: any) => [e.shard, e.runs, e.runs_on])).toEqual([
      [0, 3, ["self-hosted", "gpu"]],
      [1, 3, ["self-hosted", "gpu"]],
    ]);
    expect(run.summary).toContain("## labgate plan: 6 runs in 2 shard(s)");
    expect(run.summary).toContain("| shard | pool | runs-on | runs | GPU-hours |");
    expect(requested(gh)).toEqual([
      "GET /repos/lab/study/pulls/7",
      "GET /apps/labgate",
      `GET /repos/lab/study/commits/${repo.head}/check-runs`,
      "GET /repos/lab/study",
      "GET /repos/lab/study/contents/.github/labgate.yml",
      // One dispatch of an approval at a time: no other run of it is queued or running.
      "GET /repos/lab/study/actions/workflows/labgate-dispatch.yml/runs",
    ]);
  });

  it("takes the runner pools (every shard's runs-on) and the budget from the default branch's labgate.yml, never the PR's", async () => {
    // The PR's config sends its shards to the runners that hold the deploy keys, in 6 shards.
    const files = campaignFiles();
    files[".github/labgate.yml"] =
      "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu, prod-deploy]\n    machines: 6\n    gpu_memory_mb: 24576\n";
    const repo = repoWithBranch(files);
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP)],
      files: {
        main: {
          ".github/labgate.yml":
            "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 2\n    gpu_memory_mb: 24576\nbudget:\n  gpu_hours: 500\n",
        },
      },
    });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix as string);
    expect(matrix.include.map((e: any) => [e.shard, e.runs_on])).toEqual([
      [0, ["self-hosted", "gpu"]],
      [1, ["self-hosted", "gpu"]],
    ]);
    expect(run.log).not.toContain("prod-deploy");
    expect(run.summary).toContain("of a 500 GPU-hour budget");
    // The run jobs get the same config (they hold no token to read it).
    const policy = JSON.parse(Buffer.from(run.outputs.policy as string, "base64").toString());
    expect(policy.runner_pools[0].labels).toEqual(["self-hosted", "gpu"]);
    expect(policy.budget.gpu_hours).toBe(500);
  });

  it("refuses to plan when the default branch's labgate.yml is invalid, naming it", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP)],
      files: { main: { ".github/labgate.yml": "runner_pools: 3\n" } },
    });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "::error::refusing to plan: .github/labgate.yml on the default branch `main` is not valid",
    );
  });

  it("plans on the app's record while it is still `dispatching`: the run can start before the app marks it approved", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP, { state: "dispatching" })],
    });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
  });

  it("never emits more than 256 shards", async () => {
    const d = validDefinitions();
    d.defaults.seeds = Array.from({ length: 500 }, (_, i) => i + 1);
    d.defaults.vram_mb = 0;
    const repo = repoWithBranch({
      "experiments/definitions.json": asText(d),
      "train.py": "",
      ".github/labgate.yml":
        "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 1000\n",
    });
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP)],
      files: {
        main: {
          ".github/labgate.yml":
            "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 1000\n",
        },
      },
    });
    const run = await plan(repo.work, gh, { sha: repo.head });
    expect(run.code).toBe(0);
    expect(Number(run.outputs.runs)).toBe(1500);
    expect(JSON.parse(run.outputs.matrix as string).include).toHaveLength(256);
  });

  it("fails when the checkout is not the requested sha, before any request", async () => {
    const repo = repoWithBranch(campaignFiles());
    const other = "0123456789abcdef0123456789abcdef01234567";
    const gh = await github(other, { checkRuns: [phase8(1, other, LABGATE_APP)] });
    const run = await plan(repo.work, gh, { sha: other });
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      `::error::the checkout is at ${repo.head}, not the requested sha ${other}`,
    );
    expect(run.outputs.matrix).toBeUndefined();
    expect(run.outputs.runs).toBe("0");
    expect(run.summary).toContain("## labgate plan: refused");
    expect(gh.requests).toEqual([]);
  });

  it("refuses a PR from a fork", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      pulls: { [PR]: { ref: "feature", sha: repo.head, headRepo: "mallory/study" } },
      checkRuns: [phase8(1, repo.head, LABGATE_APP)],
    });
    const run = await plan(repo.work, gh, { sha: repo.head });
    expect(run.code).toBe(1);
    expect(run.log).toContain("comes from the fork mallory/study");
    expect(requested(gh)).toEqual(["GET /repos/lab/study/pulls/7"]);
  });

  describe("a workflow_dispatch that labgate did not approve plans nothing", () => {
    it("refuses a sha with no approval record (a hand-made dispatch of the PR's head)", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head);
      const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        `::error::refusing to plan: no labgate/phase8 check run at ${repo.head.slice(0, 7)} carries a standing approval of PR #7`,
      );
      expect(run.outputs.runs).toBe("0");
      expect(run.outputs.matrix).toBeUndefined();
      expect(run.summary).toContain("## labgate plan: refused");
    });

    it("refuses an approval record written by another app (a forged labgate/phase8)", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, { checkRuns: [phase8(1, repo.head, OTHER_APP)] });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        'was written by other-bot, not the labgate app "labgate" (input `app-slug`): ignored',
      );
      expect(run.outputs.runs).toBe("0");
      expect(run.outputs.matrix).toBeUndefined();
    });

    it("refuses a record by GitHub Actions itself, even when app-slug names it", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, { checkRuns: [phase8(1, repo.head, GITHUB_ACTIONS)] });
      const forged = await plan(repo.work, gh, { sha: repo.head });
      expect(forged.code).toBe(1);
      // Actions mode's records count only with the evidence behind them; this one names none.
      expect(forged.log).toContain(
        "was written by github-actions (a workflow's GITHUB_TOKEN, which a PR's own workflow also holds) and names no approving comment, so nothing stands behind it: ignored.",
      );
      const named = await plan(repo.work, gh, { sha: repo.head, "app-slug": "github-actions" });
      expect(named.code).toBe(1);
      expect(named.log).toContain("`app-slug: github-actions` names GitHub Actions itself");
      expect(named.outputs.matrix).toBeUndefined();
    });

    it("refuses when app-slug names no app and no Actions-mode record carries the approval", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, { checkRuns: [phase8(1, repo.head, LABGATE_APP)] });
      const run = await plan(repo.work, gh, { sha: repo.head, "app-slug": "labgaet" });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        "::error::refusing to plan: no GitHub App has the slug \"labgaet\"; set the action's `app-slug` input to the labgate app's slug",
      );
      expect(run.outputs.matrix).toBeUndefined();
    });

    it("refuses when the PR's head moved past the approved sha (a push after the approval)", async () => {
      const repo = repoWithBranch(campaignFiles());
      const moved = "fedcba9876543210fedcba9876543210fedcba98";
      const gh = await github(moved, { checkRuns: [phase8(1, repo.head, LABGATE_APP)] });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        `::error::refusing to plan: PR #7's head is fedcba9, not the requested sha ${repo.head.slice(0, 7)}: labgate plans only the PR's current head.`,
      );
      expect(run.outputs.runs).toBe("0");
      expect(requested(gh)).toEqual(["GET /repos/lab/study/pulls/7"]);
    });

    it("refuses an approval of another PR, a voided one, and a closed PR", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, {
        checkRuns: [
          phase8(1, repo.head, LABGATE_APP, { pr: 8 }),
          phase8(2, repo.head, LABGATE_APP, { state: "voided" }),
        ],
      });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(`the approval of PR #7 at ${repo.head.slice(0, 7)} is voided`);
      await fake?.close();
      const closed = await github(repo.head, {
        pulls: { [PR]: { ref: "feature", sha: repo.head, state: "closed" } },
        checkRuns: [phase8(1, repo.head, LABGATE_APP)],
      });
      const late = await plan(repo.work, closed, { sha: repo.head });
      expect(late.code).toBe(1);
      expect(late.log).toContain("PR #7 is closed; labgate dispatches only open PRs.");
    });
  });

  it("refuses an approval that /cancel closed: the app's newest record for (PR, sha) is cancelled", async () => {
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [
        phase8(1, repo.head, LABGATE_APP),
        phase8(2, repo.head, LABGATE_APP, { state: "cancelled" }),
        // a record by another app cannot reopen it
        phase8(3, repo.head, OTHER_APP),
      ],
    });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "the approval of PR #7 at " +
        repo.head.slice(0, 7) +
        " is cancelled (labgate/phase8 record 2): nothing to plan.",
    );
  });

  it("refuses a completed approval: a writer's hand-made dispatch of a run that already ran plans nothing", async () => {
    // The approval dispatched, its run finished and the app marked the record `completed`; a
    // writer then starts the dispatch workflow by hand with the same (pr, sha) to run it again.
    const repo = repoWithBranch(campaignFiles());
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP, { state: "completed" })],
    });
    const run = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      `::error::refusing to plan: the approval of PR #7 at ${repo.head.slice(0, 7)} is completed (labgate/phase8 record 1): its dispatch already ran, and an approval runs once.`,
    );
  });

  describe("the /approve-phase8 comment the record names", () => {
    const withComment = (sha: string, comment: FakeComment) =>
      github(sha, {
        checkRuns: [phase8(1, sha, LABGATE_APP, { comment_id: 55 })],
        comments: { 55: comment },
      });

    it("plans when the comment is on the PR, unedited, by the approver who can write", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await withComment(repo.head, { issue: PR, user: "alice", created_at: CREATED });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.log).not.toContain("::error::");
      expect(run.code).toBe(0);
      expect(run.outputs.runs).toBe("6");
      expect(requested(gh).slice(3)).toEqual([
        "GET /repos/lab/study/issues/comments/55",
        "POST /graphql",
        "GET /repos/lab/study/collaborators/alice/permission",
        "GET /repos/lab/study",
        "GET /repos/lab/study/contents/.github/labgate.yml",
        // One dispatch of an approval at a time: no other run of it is queued or running.
        "GET /repos/lab/study/actions/workflows/labgate-dispatch.yml/runs",
      ]);
    });

    it("refuses an edited comment", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await withComment(repo.head, {
        issue: PR,
        user: "alice",
        created_at: CREATED,
        last_edited_at: "2026-11-30T12:05:00Z",
      });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        "the approving comment 55 by @alice was edited after it was written (at 2026-11-30T12:05:00Z); an edited comment approves nothing.",
      );
    });

    it("refuses a deleted comment, one on another PR, and one by someone else", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gone = await github(repo.head, {
        checkRuns: [phase8(1, repo.head, LABGATE_APP, { comment_id: 55 })],
      });
      expect((await plan(repo.work, gone, { sha: repo.head })).log).toContain(
        "the approving comment 55 is not on PR #7 (deleted?)",
      );
      await gone.close();
      const elsewhere = await withComment(repo.head, {
        issue: 8,
        user: "alice",
        created_at: CREATED,
      });
      expect((await plan(repo.work, elsewhere, { sha: repo.head })).code).toBe(1);
      await elsewhere.close();
      const other = await withComment(repo.head, { issue: PR, user: "bob", created_at: CREATED });
      const run = await plan(repo.work, other, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        "the approving comment 55 was written by @bob, but the approval record names @alice",
      );
    });

    it("refuses when the approver no longer has write permission", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, {
        checkRuns: [phase8(1, repo.head, LABGATE_APP, { comment_id: 55, by: "bob" })],
        comments: { 55: { issue: PR, user: "bob", created_at: CREATED } },
      });
      const run = await plan(repo.work, gh, { sha: repo.head });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        "@bob, who approved PR #7, now has read permission; an approval needs write, maintain or admin permission.",
      );
    });
  });

  describe("a pilot plans only on the app's /run-pilot record", () => {
    /** A `labgate/pilot-dispatch` check run on `sha` holding the `/run-pilot` record of `app`. */
    const pilotRecord = (id: number, sha: string, app: { id: number; slug: string }) => ({
      ...phase8(id, sha, app, { phase: "pilot", comment_id: 56 }),
      name: "labgate/pilot-dispatch",
    });
    const runPilotComment: FakeComment = { issue: PR, user: "alice", created_at: CREATED };

    it("refuses a hand-made pilot dispatch with no record (a writer labelling any campaign pilot)", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head);
      const run = await plan(repo.work, gh, { sha: repo.head, phase: "pilot" });
      expect(run.code).toBe(1);
      expect(run.log).toContain(
        `::error::refusing to plan: no labgate/pilot-dispatch check run at ${repo.head.slice(0, 7)} carries a standing pilot record of PR #7: labgate runs a pilot only for a commit whose pilot was started with \`/run-pilot\` on the PR.`,
      );
      expect(run.outputs.runs).toBe("0");
      expect(run.outputs.matrix).toBeUndefined();
    });

    it("refuses a pilot on a full-phase approval, and a full phase on a pilot record", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, {
        checkRuns: [phase8(1, repo.head, LABGATE_APP, { phase: "pilot" })],
      });
      const pilot = await plan(repo.work, gh, { sha: repo.head, phase: "pilot" });
      expect(pilot.code).toBe(1);
      expect(pilot.outputs.runs).toBe("0");
      const full = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
      expect(full.code).toBe(1);
      expect(full.outputs.runs).toBe("0");
    });

    it("refuses a pilot record written by another app", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, {
        checkRuns: [pilotRecord(1, repo.head, OTHER_APP)],
        comments: { 56: runPilotComment },
      });
      const run = await plan(repo.work, gh, { sha: repo.head, phase: "pilot" });
      expect(run.code).toBe(1);
      expect(run.log).toContain("written by other-bot, not the labgate app");
      expect(run.outputs.runs).toBe("0");
    });

    it("a /run-pilot 1 record plans stage 1 only, not a hand-made dispatch of every stage", async () => {
      const repo = repoWithBranch(campaignFiles());
      const stage1 = {
        ...phase8(1, repo.head, LABGATE_APP, { phase: "pilot", stage: 1, comment_id: 56 }),
        name: "labgate/pilot-dispatch",
      };
      const gh = await github(repo.head, {
        checkRuns: [stage1],
        comments: { 56: runPilotComment },
      });
      const all = await plan(repo.work, gh, { sha: repo.head, phase: "pilot" });
      expect(all.code).toBe(1);
      expect(all.outputs.runs).toBe("0");
      expect(all.log).toContain("carries a standing pilot record of PR #7");
      const one = await plan(repo.work, gh, { sha: repo.head, phase: "pilot", stage: "1" });
      expect(one.log).not.toContain("::error::");
      expect(one.code).toBe(0);
      expect(one.outputs.runs).toBe("1");
    });

    it("plans the pilot matrix on the app's record, for the open non-fork PR whose head is sha", async () => {
      const repo = repoWithBranch(campaignFiles());
      const gh = await github(repo.head, {
        checkRuns: [pilotRecord(1, repo.head, LABGATE_APP)],
        comments: { 56: runPilotComment },
      });
      const run = await plan(repo.work, gh, { sha: repo.head, phase: "pilot" });
      expect(run.log).not.toContain("::error::");
      expect(run.code).toBe(0);
      expect(run.outputs.runs).toBe("1");
      expect(requested(gh)).toEqual([
        "GET /repos/lab/study/pulls/7",
        "GET /apps/labgate",
        `GET /repos/lab/study/commits/${repo.head}/check-runs`,
        "GET /repos/lab/study/issues/comments/56",
        "POST /graphql",
        "GET /repos/lab/study/collaborators/alice/permission",
        "GET /repos/lab/study",
        "GET /repos/lab/study/contents/.github/labgate.yml",
        // One dispatch of an approval at a time: no other run of it is queued or running.
        "GET /repos/lab/study/actions/workflows/labgate-dispatch.yml/runs",
      ]);
      await gh.close();
      const moved = await github("fedcba9876543210fedcba9876543210fedcba98", {
        checkRuns: [pilotRecord(1, repo.head, LABGATE_APP)],
      });
      const refused = await plan(repo.work, moved, { sha: repo.head, phase: "pilot" });
      expect(refused.code).toBe(1);
      expect(refused.log).toContain("PR #7's head is fedcba9");
    });
  });

  it("reports a campaign that does not plan with file and line", async () => {
    const files = campaignFiles();
    files["experiments/definitions.json"] = files["experiments/definitions.json"]?.replace(
      '"method": "ours"',
      '"method": "nope"',
    ) as string;
    const repo = repoWithBranch(files);
    const gh = await github(repo.head, { checkRuns: [phase8(1, repo.head, LABGATE_APP)] });
    const run = await plan(repo.work, gh, { sha: repo.head });
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/experiments\/definitions\.json:\d+:\d+: error/);
    expect(run.summary).toContain("nope");
  });

  it("names every bad input before doing any work", async () => {
    const run = await runBundledAction({ mode: "plan", sha: "abc", phase: "final" }, {});
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      'input `sha`: expected a full 40-character lower-case commit SHA (got "abc")',
    );
    expect(run.log).toContain("input `phase`");
    expect(run.summary).toContain("## labgate: bad inputs");
    const unknown = await runBundledAction({ mode: "deploy" }, {});
    expect(unknown.log).toMatch(/unknown mode "deploy"; use one of: plan, .*dry-run/);
    const missing = await runBundledAction({ mode: "plan" }, {});
    expect(missing.log).toContain('input `sha` is required in mode "plan"');
    expect(missing.log).toContain('input `pr` is required in mode "plan"');
  });

  it("plans only the wave asked for when the campaign is longer than one job per machine: wave 1 of the plan, a later wave from what is still to run", async () => {
    // 6 runs of 0.01 h on 2 one-slot machines, at most 0.025 h a job: 3 shards of 2 runs, so
    // wave 1 is 2 shards; wave 2 is planned from the state wave 1 committed.
    const pools =
      "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 2\n    gpu_memory_mb: 24576\ndispatch:\n  max_job_hours: 0.025\n";
    const repo = repoWithBranch(campaignFiles());
    const files: Record<string, Record<string, string>> = {
      main: { ".github/labgate.yml": pools },
    };
    const gh = await github(repo.head, {
      checkRuns: [phase8(1, repo.head, LABGATE_APP)],
      files,
    });
    const first = await plan(repo.work, gh, { sha: repo.head, phase: "full" });
    expect(first.log).not.toContain("::error::");
    expect(first.outputs).toMatchObject({ runs: "4", shards: "2", wave: "1", waves: "2" });
    const matrix1 = JSON.parse(first.outputs.matrix as string);
    expect(matrix1.include.map((e: any) => [e.shard, e.shards, e.runs])).toEqual([
      [0, 2, 2],
      [1, 2, 2],
    ]);
    expect(first.summary).toContain("## labgate plan: 4 runs in 2 shard(s), wave 1 of 2");
    expect(first.summary).toContain("runs in 2 waves");

    // Wave 1's runs ended done in the state at the PR head (here still the approved sha).
    const campaign = ["base", "ours"].flatMap((m) => [1, 2, 3].map((s) => `full-${m}_s${s}`));
    const handed = decodeWaveRuns(first.outputs["wave-runs"] as string);
    if (!handed.ok) throw new Error(handed.message);
    const inWave1 = campaign.filter((_, i) => (handed.value.assignment[i] ?? 0) > 0);
    expect(inWave1).toHaveLength(4);
    const state = (ids: string[]) =>
      `${JSON.stringify({
        project: "demo",
        updated: CREATED,
        experiments: ids.map((id) => stateEntry({ id, status: "done", git_commit: repo.head })),
      })}\n`;
    files[repo.head] = { "dispatch/state.json": state(inWave1) };
    const second = await plan(repo.work, gh, { sha: repo.head, phase: "full", wave: "2" });
    expect(second.log).not.toContain("::error::");
    // The 2 runs left, one on each machine.
    expect(second.outputs).toMatchObject({ runs: "2", shards: "2", wave: "2", waves: "2" });
    const matrix2 = JSON.parse(second.outputs.matrix as string);
    expect(matrix2.include.map((e: any) => [e.shard, e.shards, e.runs])).toEqual([
      [0, 2, 1],
      [1, 2, 1],
    ]);
    expect(second.summary).toContain("## labgate plan: 2 runs in 2 shard(s), wave 2 of 2");
    expect(second.summary).toContain("holds a final entry for 4 of the campaign's 6 runs");

    // A wave after the last: every run has a final entry, so it plans nothing and ends green.
    files[repo.head] = { "dispatch/state.json": state(campaign) };
    const third = await plan(repo.work, gh, { sha: repo.head, phase: "full", wave: "3" });
    expect(third.code).toBe(0);
    expect(third.outputs).toMatchObject({ runs: "0", shards: "0", wave: "3", waves: "2" });
    expect(third.summary).toContain("wave 3 — nothing left to run");

    const bad = await plan(repo.work, gh, { sha: repo.head, phase: "full", wave: "2; rm -rf /" });
    expect(bad.code).toBe(1);
    expect(bad.log).toContain("input `wave`");
  });
});
