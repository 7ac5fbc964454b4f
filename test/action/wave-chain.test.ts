import { afterEach, describe, expect, it } from "vitest";
import { decodeWaveRuns } from "../../src/core/plan/wave-runs.js";
import { encodeApproval } from "../../src/github/check-run-protocol.js";
import { type FakeGitHub, type FakePull, startFakeGitHub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, repoWithBranch } from "./helpers/git-fixture.js";
import { policyInput } from "./helpers/policy-fixture.js";
import { type ActionRun, runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * A campaign in waves end to end (docs/runners.md, "Waves"), every job the bundled action against
 * a real bare repository behind a loopback GitHub: wave 1 is planned, one of its shards runs (a
 * run fails) and the other is lost, its aggregate commits and starts wave 2; wave 2 is planned
 * from the state at the PR head and runs what is still to run, its run jobs taking exactly the
 * shards the plan job handed over.
 */
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const PR = 7;
/** The campaign's full runs in plan order: 2 methods x seeds 1-4. */
const CAMPAIGN = ["base", "ours"].flatMap((m) => [1, 2, 3, 4].map((s) => `full-${m}_s${s}`));

function checkout(bare: string, sha: string): string {
  const dir = tempDir("labgate-job-");
  git(dir, "clone", "-q", "--branch", "pr-1", bare, ".");
  git(dir, "checkout", "-q", sha);
  return dir;
}

/** The run ids of each shard of a wave, from the plan job's `wave-runs`. */
function shardsOf(plan: ActionRun): string[][] {
  const handed = decodeWaveRuns(plan.outputs["wave-runs"] as string);
  if (!handed.ok) throw new Error(handed.message);
  const shards: string[][] = Array.from({ length: handed.value.shards }, () => []);
  CAMPAIGN.forEach((id, i) => {
    const v = handed.value.assignment[i] ?? 0;
    if (v > 0) shards[v - 1]?.push(id);
  });
  return shards;
}

/** The run ids a run job's summary table lists (its `| run | status | ... |` rows). */
function ranIds(run: ActionRun): string[] {
  return [...run.summary.matchAll(/^\| (full-[a-z]+_s\d) \|/gm)].map((m) => m[1] as string);
}

describe("a campaign in waves, end to end", () => {
  it("wave 2 runs only the lost runs and those never started; plan, run and aggregate jobs agree on every shard", async () => {
    // 8 runs of 0.01 h on 2 machines, at most 0.025 h a job: 2 runs a shard, 2 waves of 2 shards.
    // Seed 2 fails (exit 3) wherever it runs.
    const files = campaignFiles({ seeds: [1, 2, 3, 4], failOn: 2 });
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const sha = repo.head;
    const pull: FakePull = { ref: "pr-1", sha };
    const compares: Record<string, { status: string; files: string[] }> = {};
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { [PR]: pull },
      apps: { labgate: 101 },
      permissions: { alice: "write" },
      workflowRuns: { "labgate-dispatch.yml": [] },
      compares,
      checkRuns: [
        {
          id: 1,
          name: "labgate/phase8",
          head_sha: sha,
          status: "in_progress",
          conclusion: null,
          external_id: encodeApproval({
            v: 1,
            pr: PR,
            sha,
            phase: "full",
            by: "alice",
            at: "2026-11-30T12:00:00Z",
            state: "approved",
          }),
          app: { id: 101, slug: "labgate" },
          output: { title: "Approved by @alice", summary: "" },
        },
      ],
    });
    const gh = fake;
    const job = (inputs: Record<string, string>, store: string, runId: string) =>
      runBundledAction(
        { sha, phase: "full", ...inputs },
        {
          GITHUB_WORKSPACE: checkout(repo.bare, sha),
          GITHUB_API_URL: gh.url,
          LABGATE_ARTIFACT_DIR: store,
          GITHUB_RUN_ID: runId,
        },
      );
    const dispatches = () => gh.requests.filter((r) => r.path.endsWith("/dispatches"));

    // Wave 1: planned from the whole campaign.
    const store1 = tempDir("labgate-artifacts-");
    const plan1 = await job({ mode: "plan", pr: String(PR), token: "t", wave: "1" }, store1, "500");
    expect(plan1.log).not.toContain("::error::");
    expect(plan1.outputs).toMatchObject({ wave: "1", waves: "2", runs: "4", shards: "2" });
    const wave1 = shardsOf(plan1);
    expect(wave1.map((s) => s.length)).toEqual([2, 2]);
    // The shard holding a seed-2 run runs (that run fails); the other is lost (its job killed).
    const ranShard = wave1.findIndex((ids) => ids.some((id) => id.endsWith("_s2")));
    const kept = ranShard >= 0 ? ranShard : 0;
    const lostShard = 1 - kept;
    const failing = (wave1[kept] as string[]).filter((id) => id.endsWith("_s2"));
    const ran1 = await job(
      {
        mode: "run",
        shard: String(kept),
        policy: plan1.outputs.policy as string,
        "wave-runs": plan1.outputs["wave-runs"] as string,
        token: "",
      },
      store1,
      "500",
    );
    // The run job ran exactly the runs the plan job put on its shard.
    expect(ranIds(ran1).sort()).toEqual([...(wave1[kept] as string[])].sort());
    const agg1 = await job(
      {
        mode: "aggregate",
        pr: String(PR),
        token: "t",
        wave: "1",
        "wave-runs": plan1.outputs["wave-runs"] as string,
      },
      store1,
      "500",
    );
    expect(agg1.log).toContain(`shard ${lostShard} uploaded no artifact`);
    expect(agg1.outputs.runs).toBe("4");
    expect(agg1.summary).toContain("Started wave 2");
    expect(dispatches()).toHaveLength(1);
    expect(dispatches()[0]?.body.inputs).toMatchObject({ pr: "7", sha, wave: "2" });
    const head1 = git(repo.bare, "rev-parse", "pr-1");
    expect(head1).not.toBe(sha);

    // Wave 2, as the dispatched workflow run plans it: the PR head is wave 1's results commit.
    pull.sha = head1;
    compares[`${sha}...${head1}`] = {
      status: "ahead",
      files: git(repo.bare, "diff", "--name-only", sha, head1).split("\n"),
    };
    const store2 = tempDir("labgate-artifacts-");
    const plan2 = await job({ mode: "plan", pr: String(PR), token: "t", wave: "2" }, store2, "501");
    expect(plan2.log).not.toContain("::error::");
    const wave2 = shardsOf(plan2);
    const neverStarted = CAMPAIGN.filter((id) => !wave1.flat().includes(id));
    const lost = wave1[lostShard] as string[];
    const stillToRun = [...lost, ...neverStarted];
    expect(plan2.summary).toContain(`${stillToRun.length} run(s) are still to run`);
    for (const id of wave2.flat()) expect(stillToRun).toContain(id);
    for (const id of failing) expect(wave2.flat()).not.toContain(id);
    // 6 still to run, 2 a shard: 3 shards, 2 machines, so wave 2 of 3.
    expect(plan2.outputs).toMatchObject({ wave: "2", waves: "3", runs: "4", shards: "2" });
    expect(plan2.summary).toContain(`${lost.length} lost or interrupted run(s) are planned again`);
    for (const [shard, ids] of wave2.entries()) {
      const ran = await job(
        {
          mode: "run",
          shard: String(shard),
          policy: plan2.outputs.policy as string,
          "wave-runs": plan2.outputs["wave-runs"] as string,
          token: "",
        },
        store2,
        "501",
      );
      expect(ranIds(ran).sort()).toEqual([...ids].sort());
    }
    // The PR head as GitHub reports it when the aggregate checks the approval for wave 3.
    const agg2 = await job(
      {
        mode: "aggregate",
        pr: String(PR),
        token: "t",
        wave: "2",
        "wave-runs": plan2.outputs["wave-runs"] as string,
      },
      store2,
      "501",
    );
    expect(agg2.log).not.toContain("::error::");
    expect(agg2.outputs.runs).toBe("4");
    expect(agg2.summary).toContain("Started wave 3");
    const head2 = git(repo.bare, "rev-parse", "pr-1");

    // Wave 3: what is left.
    pull.sha = head2;
    compares[`${sha}...${head2}`] = {
      status: "ahead",
      files: git(repo.bare, "diff", "--name-only", sha, head2).split("\n"),
    };
    const store3 = tempDir("labgate-artifacts-");
    const plan3 = await job({ mode: "plan", pr: String(PR), token: "t", wave: "3" }, store3, "502");
    const wave3 = shardsOf(plan3);
    // Waves 2 and 3 together: exactly the lost runs and those never started.
    expect([...wave2.flat(), ...wave3.flat()].sort()).toEqual([...stillToRun].sort());
    expect(plan3.outputs).toMatchObject({ wave: "3", waves: "3" });
    for (const [shard] of wave3.entries())
      await job(
        {
          mode: "run",
          shard: String(shard),
          policy: plan3.outputs.policy as string,
          "wave-runs": plan3.outputs["wave-runs"] as string,
          token: "",
        },
        store3,
        "502",
      );
    const agg3 = await job(
      {
        mode: "aggregate",
        pr: String(PR),
        token: "t",
        wave: "3",
        "wave-runs": plan3.outputs["wave-runs"] as string,
      },
      store3,
      "502",
    );
    expect(agg3.log).not.toContain("::error::");
    // The last wave starts nothing.
    expect(dispatches()).toHaveLength(2);

    // Every run of the campaign ran in exactly one wave, a lost one in a second; each has one
    // final entry: the failing seed failed, every other run is done.
    const waves = [wave1.flat().filter((id) => !lost.includes(id)), wave2.flat(), wave3.flat()];
    expect(waves.flat().sort()).toEqual([...CAMPAIGN].sort());
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const full = state.experiments.filter((e: any) => e.phase === "full");
    expect(full.map((e: any) => e.id).sort()).toEqual([...CAMPAIGN].sort());
    for (const e of full) {
      expect(e.status, e.id).toBe(e.id.endsWith("_s2") ? "failed" : "done");
      expect(e.git_commit, e.id).toBe(sha);
    }
  }, 600_000);

  it("a run or aggregate job of a campaign in waves without the plan job's hand-over runs nothing, saying how to pass it", async () => {
    const files = campaignFiles({ seeds: [1, 2, 3, 4] });
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", policy: policyInput(config), sha: repo.head, shard: "0" },
      { GITHUB_WORKSPACE: checkout(repo.bare, repo.head), LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.runs).toBe("0");
    expect(run.log).toContain(
      "runs in 2 waves, so this job takes its shard's runs from the plan job's hand-over",
    );
    expect(run.log).toContain("needs.plan.outputs.wave-runs");
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const aggregate = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t", wave: "1" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare, repo.head),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(aggregate.code).toBe(1);
    expect(aggregate.log).toContain(
      "so this job takes the wave's shards from the plan job's hand-over",
    );
    // Nothing was committed.
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(repo.head);
  }, 120_000);
});
