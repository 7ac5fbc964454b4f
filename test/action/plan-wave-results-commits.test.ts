import { afterEach, describe, expect, it } from "vitest";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  type FakeCompareCommit,
  type FakeGitHub,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { stateEntry } from "../helpers/state-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * The attack on a campaign in waves (docs/security.md, "Results commits carry an approval only
 * when labgate made them"): wave 2 is planned from dispatch/state.json at the PR head, the
 * approved SHA plus wave 1's results commit. If any results-only commit counted, the PR's author
 * could push a state.json marking runs done (they never run; their rows are whatever the author
 * commits) or lost (they run again), and the later waves would plan from it. Only labgate's own
 * results commit (github-actions[bot], verified by GitHub) lets the wave go on.
 */
const LABGATE_APP = { id: 101, slug: "labgate" };
const PR = 7;
const RESULTS_HEAD = "e".repeat(40);
const WAVE1_COMMIT = "d".repeat(40);

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function phase8(id: number, onSha: string, approved: string) {
  const record: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha: approved,
    phase: "full",
    by: "alice",
    at: "2026-11-30T12:00:00Z",
    state: "approved",
  };
  return {
    id,
    name: "labgate/phase8",
    head_sha: onSha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(record),
    app: { id: LABGATE_APP.id, slug: LABGATE_APP.slug },
    output: { title: "Approved by @alice", summary: "" },
  };
}

/** 6 runs of 0.01 h on 2 machines, at most 0.025 h a job: 2 waves. */
function wavedCampaign() {
  const files = campaignFiles();
  const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
  files[".github/labgate.yml"] = config;
  return { repo: repoWithBranch(files), config };
}

/** The author's state.json: every run of the campaign but one "done" (they never ran). */
function forgedState(approved: string) {
  const entries: StateEntry[] = ["base", "ours"]
    .flatMap((m) => [1, 2, 3].map((s) => `full-${m}_s${s}`))
    .slice(0, 5)
    .map((id) => stateEntry({ id, status: "done", git_commit: approved }));
  return `${JSON.stringify({ project: "demo", updated: "2026-11-30T12:00:00Z", experiments: entries })}\n`;
}

const bot = (sha: string): FakeCompareCommit => ({
  sha,
  author: "github-actions[bot]",
  committer: "web-flow",
  verified: true,
});

async function planWave2(commits: FakeCompareCommit[], actionRuns?: Record<number, unknown>) {
  const { repo, config } = wavedCampaign();
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: "feature", sha: RESULTS_HEAD } },
    apps: { [LABGATE_APP.slug]: LABGATE_APP.id },
    permissions: { alice: "write" },
    defaultBranch: "main",
    ...(actionRuns ? { actionRuns } : {}),
    checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)] as never,
    compares: {
      [`${repo.head}...${RESULTS_HEAD}`]: {
        status: "ahead",
        files: ["experiments/results/aggregated.json", "dispatch/state.json"],
        commits,
      },
    },
    files: {
      main: { ".github/labgate.yml": config },
      [RESULTS_HEAD]: { "dispatch/state.json": forgedState(repo.head) },
    },
  });
  const run = await runBundledAction(
    {
      mode: "plan",
      pr: String(PR),
      token: "ghs_dispatch",
      sha: repo.head,
      phase: "full",
      wave: "2",
    },
    { GITHUB_WORKSPACE: repo.work, GITHUB_API_URL: fake.url },
  );
  const stateReads = fake.requests.filter((r) => r.path.endsWith("/contents/dispatch/state.json"));
  return { run, stateReads };
}

describe("plan of a later wave: only labgate's own results commits since the approved sha", () => {
  it("the author pushed a results-only commit (a forged state.json): wave 2 is refused, naming the commit and its author, and the state is never read", async () => {
    const { run, stateReads } = await planWave2([
      bot(WAVE1_COMMIT),
      { sha: RESULTS_HEAD, author: "mallory", committer: "mallory", verified: false },
    ]);
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain("::error::refusing to plan: PR #7's head is eeeeeee");
    expect(run.log).toContain("`eeeeeee` by @mallory, committed by @mallory");
    expect(run.log).not.toContain("ddddddd");
    expect(stateReads).toHaveLength(0);
  });

  it("a commit claiming github-actions[bot] as author and GitHub as committer that GitHub does not verify: refused", async () => {
    const { run, stateReads } = await planWave2([{ ...bot(RESULTS_HEAD), verified: false }]);
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "`eeeeeee` by @github-actions[bot], committed by @web-flow, which GitHub does not verify (unsigned)",
    );
    expect(stateReads).toHaveLength(0);
  });

  // The PR's own `pull_request` workflow (or any other) commits with its GITHUB_TOKEN as
  // github-actions[bot], committed by web-flow and verified, just as the aggregate job does: only
  // the Labgate-Run trailer naming a dispatch run of this PR and SHA tells them apart.
  const forgedRun = (over: Record<string, unknown>) => ({
    path: ".github/workflows/labgate-dispatch.yml",
    head_branch: "main",
    event: "workflow_dispatch",
    display_title: `labgate dispatch: PR #${PR} at ${"0".repeat(40)} (full, wave 1)`,
    created_at: "2026-01-01T00:00:00Z",
    ...over,
  });
  const naming = (id: number) =>
    `update results\n\nLabgate-Run: https://github.com/lab/study/actions/runs/${id}\n`;
  it.each([
    ["no Labgate-Run trailer", "update results\n", {}, "has 0 Labgate-Run trailers, not one"],
    [
      "a trailer naming a run of the PR's own workflow",
      naming(66),
      { 66: forgedRun({ path: ".github/workflows/x.yml", event: "pull_request" }) },
      "names run 66 of `.github/workflows/x.yml`, not of the dispatch workflow",
    ],
    [
      "a trailer naming a dispatch run on another branch",
      naming(67),
      { 67: forgedRun({ head_branch: "feature" }) },
      "names run 67 on branch `feature`, not the default branch `main`",
    ],
    [
      "a trailer naming a dispatch run of another PR",
      naming(68),
      {
        68: forgedRun({
          display_title: `labgate dispatch: PR #8 at ${"0".repeat(40)} (full, wave 1)`,
        }),
      },
      "names run 68, which is not a dispatch of PR #7",
    ],
  ])(
    "a verified github-actions[bot]/web-flow commit with %s (a PR's own workflow's): wave 2 is refused and the state is never read",
    async (_what, message, runs, why) => {
      const { run, stateReads } = await planWave2(
        [bot(WAVE1_COMMIT), { ...bot(RESULTS_HEAD), message }],
        runs,
      );
      expect(run.code).toBe(1);
      expect(run.outputs.runs).toBe("0");
      expect(run.log).toContain("::error::refusing to plan: PR #7's head is eeeeeee");
      expect(run.log).toContain(`\`eeeeeee\` ${why}`);
      expect(run.log).not.toContain("`ddddddd`");
      expect(stateReads).toHaveLength(0);
    },
  );

  it("labgate's own results commits (by github-actions[bot], committed and signed by GitHub): wave 2 is planned from the state they committed", async () => {
    const { run, stateReads } = await planWave2([bot(WAVE1_COMMIT), bot(RESULTS_HEAD)]);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    // 5 of the 6 runs are done in the state at the head: the one left is planned.
    expect(run.outputs).toMatchObject({ wave: "2", runs: "1" });
    expect(stateReads).toHaveLength(1);
  });
});
