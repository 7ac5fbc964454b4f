import { afterEach, describe, expect, it } from "vitest";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * A later wave of a campaign in waves (docs/runners.md, "Waves") plans on the approval of the
 * first: the PR head has moved by the earlier waves' results commits, and only by them.
 */
const LABGATE_APP = { id: 101, slug: "labgate" };
const PR = 7;
/** The head after wave 1's results commit (its contents do not matter: the API is asked). */
const RESULTS_HEAD = "e".repeat(40);

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function phase8(id: number, onSha: string, approved: string, record: Partial<ApprovalRecord> = {}) {
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

async function github(
  config: string,
  head: string,
  more: Partial<FakeGitHubOptions>,
): Promise<FakeGitHub> {
  fake = await startFakeGitHub({
    owner: "lab",
    repo: "study",
    pulls: { [PR]: { ref: "feature", sha: head } },
    apps: { [LABGATE_APP.slug]: LABGATE_APP.id },
    permissions: { alice: "write" },
    defaultBranch: "main",
    files: { main: { ".github/labgate.yml": config } },
    ...more,
  });
  return fake;
}

function plan(work: string, gh: FakeGitHub, sha: string, wave: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "full", wave },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

const resultsOnly = (sha: string) => ({
  [`${sha}...${RESULTS_HEAD}`]: {
    status: "ahead",
    files: ["experiments/results/aggregated.json", "dispatch/state.json"],
  },
});

describe("plan of a later wave: the first wave's approval, past its results commits", () => {
  it("plans wave 2 at the approved sha after a results-only commit moved the head", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      // The app's approval on the approved commit, carried to the results commit.
      checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)],
      compares: resultsOnly(repo.head),
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ wave: "2", waves: "2", runs: "2" });
    expect(run.summary).toContain("wave 2 of 2");
  });

  it("refuses wave 1 at a moved head, as before: only a later wave rides on its results commits", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [phase8(1, repo.head, repo.head)],
      compares: resultsOnly(repo.head),
    });
    const run = await plan(repo.work, gh, repo.head, "1");
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      `::error::refusing to plan: PR #7's head is eeeeeee, not the requested sha`,
    );
  });

  it("refuses wave 2 after /cancel: the app's cancelled record on the results commit closes the chain", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [
        phase8(1, repo.head, repo.head),
        phase8(2, RESULTS_HEAD, repo.head),
        phase8(3, RESULTS_HEAD, repo.head, { state: "cancelled" }),
      ],
      compares: resultsOnly(repo.head),
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain("is cancelled (labgate/phase8 record 3)");
  });

  it("refuses wave 2 once the approval is completed", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [
        phase8(1, repo.head, repo.head),
        phase8(2, RESULTS_HEAD, repo.head, { state: "completed" }),
      ],
      compares: resultsOnly(repo.head),
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.code).toBe(1);
    expect(run.log).toContain("is completed");
  });

  it("refuses wave 2 when the commits since the approved sha change code", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)],
      compares: {
        [`${repo.head}...${RESULTS_HEAD}`]: {
          status: "ahead",
          files: ["dispatch/state.json", "train.py"],
        },
      },
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "(wave 2: the commits since change 1 file(s) outside the results and dispatch directories: `train.py`)",
    );
  });

  it("refuses wave 2 when the head is not a descendant of the approved sha (force-push)", async () => {
    const { repo, config } = wavedCampaign();
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)],
      compares: {
        [`${repo.head}...${RESULTS_HEAD}`]: { status: "diverged", files: ["dispatch/state.json"] },
      },
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.code).toBe(1);
    expect(run.log).toContain("the head is not a descendant of");
  });
});
