import { afterEach, describe, expect, it } from "vitest";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { stateEntry } from "../helpers/state-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * The GPU-hour budget before each wave (docs/approval.md, "The budget"; issue #19): the plan step
 * of a later wave adds the GPU-hours the earlier waves measured (their runs' durations in the
 * results state at the PR head) to this wave's estimate, and refuses when that exceeds the
 * approval's budget, naming the numbers and `/approve-phase8 budget=N`; a larger budget given by
 * an approver (a newer record of the same approval) lets it plan.
 */
const LABGATE_APP = { id: 101, slug: "labgate" };
const PR = 7;
const RESULTS_HEAD = "e".repeat(40);

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function phase8(id: number, onSha: string, approved: string, record: Partial<ApprovalRecord>) {
  const full: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha: approved,
    phase: "full",
    by: "alice",
    at: "2026-11-30T12:00:00Z",
    state: "approved",
    ...record,
  };
  return {
    id,
    name: "labgate/phase8",
    head_sha: onSha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(full),
    app: { id: LABGATE_APP.id, slug: LABGATE_APP.slug },
    output: { title: `Approved by @${full.by}`, summary: "" },
  };
}

/** 6 runs of 0.01 h on 2 machines, at most 0.025 h a job: 2 waves. */
function wavedCampaign() {
  const files = campaignFiles();
  const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
  files[".github/labgate.yml"] = config;
  return { repo: repoWithBranch(files), config };
}

/** Wave 1's results commit: 4 of the 6 runs done at the approved sha, 0.01 h each measured. */
function wave1State(approved: string): string {
  const entries: StateEntry[] = [
    "full-base_s1",
    "full-base_s2",
    "full-base_s3",
    "full-ours_s1",
  ].map((id) => stateEntry({ id, status: "done", git_commit: approved, duration_hours: 0.01 }));
  return `${JSON.stringify({ project: "demo", updated: "2026-11-30T12:00:00Z", experiments: entries })}\n`;
}

async function github(config: string, approved: string, checkRuns: unknown[]) {
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: "feature", sha: RESULTS_HEAD } },
    apps: { [LABGATE_APP.slug]: LABGATE_APP.id },
    permissions: { alice: "write", bob: "write" },
    defaultBranch: "main",
    checkRuns: checkRuns as never,
    compares: {
      [`${approved}...${RESULTS_HEAD}`]: {
        status: "ahead",
        files: ["experiments/results/aggregated.json", "dispatch/state.json"],
      },
    },
    files: {
      main: { ".github/labgate.yml": config },
      [RESULTS_HEAD]: { "dispatch/state.json": wave1State(approved) },
    },
  });
  return fake;
}

function planWave2(work: string, gh: FakeGitHub, sha: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "full", wave: "2" },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

describe("the plan step holds each wave to the approval's GPU-hour budget", () => {
  it("measured so far + this wave's estimate over the approved budget: wave 2 refused with the numbers and how to go on", async () => {
    const { repo, config } = wavedCampaign();
    const approval = { budget_gpu_hours: 0.05, budget_from: "definitions" as const };
    const gh = await github(config, repo.head, [
      phase8(1, repo.head, repo.head, approval),
      phase8(2, RESULTS_HEAD, repo.head, approval),
    ]);
    const run = await planWave2(repo.work, gh, repo.head);
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "::error::refusing to plan wave 2: the GPU-hour budget does not cover wave 2: 0.04 GPU-hours measured so far + 0.02 estimated for wave 2 = 0.06 GPU-hours, over the approved budget of 0.05 GPU-hours.",
    );
    expect(run.log).toContain(
      `an approver comments \`/approve-phase8 budget=1\` (or more) on PR #${PR}`,
    );
    // The pause as a value, for the app to read back from the job's annotation.
    expect(run.log).toContain(
      'labgate-budget-pause:{"wave":2,"measured_gpu_hours":0.04,"wave_gpu_hours":0.02,"budget_gpu_hours":0.05}',
    );
    expect(run.summary).toContain("## labgate plan: refused");
  });

  it("a larger budget given by an approver on the same approval: wave 2 plans", async () => {
    const { repo, config } = wavedCampaign();
    const approval = { budget_gpu_hours: 0.05, budget_from: "definitions" as const };
    const gh = await github(config, repo.head, [
      phase8(1, repo.head, repo.head, approval),
      phase8(2, RESULTS_HEAD, repo.head, approval),
      // `/approve-phase8 budget=1` by bob after the pause: a newer record, on the head.
      phase8(3, RESULTS_HEAD, repo.head, {
        by: "bob",
        budget_gpu_hours: 1,
        budget_from: "approver",
      }),
    ]);
    const run = await planWave2(repo.work, gh, repo.head);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ wave: "2", runs: "2" });
  });

  it("a record written before budgets were recorded still parses: the wave is held to the config's budget", async () => {
    const { repo, config } = wavedCampaign();
    const withBudget = `${config}budget:\n  gpu_hours: 0.05\n`;
    const gh = await github(withBudget, repo.head, [
      phase8(1, repo.head, repo.head, {}),
      phase8(2, RESULTS_HEAD, repo.head, {}),
    ]);
    const run = await planWave2(repo.work, gh, repo.head);
    expect(run.code).toBe(1);
    expect(run.log).toContain("= 0.06 GPU-hours, over the approved budget of 0.05 GPU-hours.");
  });
});
