import { afterEach, describe, expect, it } from "vitest";
import { decodeWaveRuns } from "../../src/core/plan/wave-runs.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { stateEntry } from "../helpers/state-fixture.js";
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
    ...more,
    files: { main: { ".github/labgate.yml": config }, ...more.files },
  });
  return fake;
}

function plan(work: string, gh: FakeGitHub, sha: string, wave: string) {
  return runBundledAction(
    { mode: "plan", pr: String(PR), token: "ghs_dispatch", sha, phase: "full", wave },
    { GITHUB_WORKSPACE: work, GITHUB_API_URL: gh.url },
  );
}

/** `dispatch/state.json` holding `entries`. */
const state = (entries: StateEntry[]) =>
  `${JSON.stringify({ project: "demo", updated: "2026-11-30T12:00:00Z", experiments: entries })}\n`;

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
      // Wave 1's results commit: 4 of the 6 runs done.
      files: {
        [RESULTS_HEAD]: {
          "dispatch/state.json": state(
            ["full-base_s1", "full-base_s2", "full-base_s3", "full-ours_s1"].map((id) =>
              stateEntry({ id, status: "done", git_commit: repo.head }),
            ),
          ),
        },
      },
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ wave: "2", waves: "2", runs: "2" });
    expect(run.summary).toContain("wave 2 of 2");
  });

  it("plans wave 2 from what wave 1 left: not its failed or early-stopped runs, again its lost one, and those never started", async () => {
    const { repo, config } = wavedCampaign();
    const campaign = ["base", "ours"].flatMap((m) => [1, 2, 3].map((s) => `full-${m}_s${s}`));
    const ended = (id: string, status: StateEntry["status"], reason: string | null) =>
      stateEntry({ id, status, reason, git_commit: repo.head });
    const gh = await github(config, RESULTS_HEAD, {
      checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)],
      compares: resultsOnly(repo.head),
      files: {
        [RESULTS_HEAD]: {
          "dispatch/state.json": state([
            ended("full-base_s1", "failed", "exit code 3 after 1 retry"),
            ended("full-base_s2", "cancelled", "early stop: mean accuracy 0.1 < 0.5 over 1 runs"),
            ended("full-base_s3", "failed", "shard lost"),
            ended("full-ours_s1", "done", null),
          ]),
        },
      },
    });
    const run = await plan(repo.work, gh, repo.head, "2");
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    // 3 still to run (the lost one and the 2 never started): one wave of 2 shards, the last.
    expect(run.outputs).toMatchObject({ wave: "2", waves: "2", runs: "3", shards: "2" });
    const handed = decodeWaveRuns(run.outputs["wave-runs"] as string);
    if (!handed.ok) throw new Error(handed.message);
    expect(handed.value).toMatchObject({ sha: repo.head, wave: 2, state_commit: RESULTS_HEAD });
    const planned = campaign.filter((_, i) => (handed.value.assignment[i] ?? 0) > 0);
    expect(planned).toEqual(["full-base_s3", "full-ours_s2", "full-ours_s3"]);
    expect(run.summary).toContain("holds a final entry for 3 of the campaign's 6 runs");
    expect(run.summary).toContain("1 lost or interrupted run(s) are planned again");
    // The state was read at the PR head, the approved sha plus results-only commits.
    expect(
      gh.requests.filter((r) => r.path.endsWith("/contents/dispatch/state.json")),
    ).toHaveLength(1);
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
    // The chain stops as asked: nothing planned, and the job ends green, saying why.
    expect(run.code).toBe(0);
    expect(run.log).not.toContain("::error::");
    expect(run.outputs.runs).toBe("0");
    expect(run.summary).toContain("wave 2 not started — the campaign was stopped");
    expect(run.summary).toContain("is cancelled (labgate/phase8 record 3)");
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
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("0");
    expect(run.summary).toContain("is completed");
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
