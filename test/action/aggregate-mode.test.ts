import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { encodeWaveRuns } from "../../src/core/plan/wave-runs.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { planWaveShards } from "../../src/operations/action/plan-shards.js";
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, pushFromElsewhere, type RepoFixture, repoWithBranch } from "./helpers/git-fixture.js";
import { policyInput } from "./helpers/policy-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A fresh checkout of the approved commit: each job of the workflow gets its own machine. */
function checkout(bare: string): string {
  const dir = tempDir("labgate-job-");
  git(dir, "clone", "-q", "--branch", "pr-1", bare, ".");
  return dir;
}

async function runShards(repo: { bare: string; head: string }, store: string, shards: string[]) {
  for (const shard of shards) {
    const run = await runBundledAction(
      { mode: "run", policy: policyInput(), sha: repo.head, shard },
      { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.outputs.artifact).toBe(`labgate-shard-${shard}-attempt1`);
  }
}

/**
 * The plan job's output `wave-runs` for wave 1 of the full phase at the repo's head, planned with
 * the default branch's labgate.yml `config`: what the workflow hands each run and aggregate job.
 */
async function waveRunsOf(repo: { work: string; head: string }, config: string): Promise<string> {
  const parsed = parseConfig(".github/labgate.yml", config);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  const planned = await planWaveShards({
    cwd: repo.work,
    config: { ok: true, config: parsed.config },
    sha: repo.head,
    phase: "full",
    wave: 1,
    tmpDir: tempDir("labgate-plan-"),
  });
  if (!planned.ok) throw new Error(planned.message);
  return encodeWaveRuns(planned.wave.handover);
}

/** The labgate app's standing `/approve-phase8` record of PR #7 at `sha`, and `more` after it. */
function approved(sha: string, ...more: Partial<ApprovalRecord>[]): Partial<FakeGitHubOptions> {
  const record = (id: number, over: Partial<ApprovalRecord>) => ({
    id,
    name: "labgate/phase8",
    head_sha: sha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval({
      v: 1,
      pr: 7,
      sha,
      phase: "full",
      by: "alice",
      at: "2026-11-30T12:00:00Z",
      state: "approved",
      ...over,
    }),
    app: { id: 101, slug: "labgate" },
    output: { title: "Approved by @alice", summary: "" },
  });
  return {
    apps: { labgate: 101 },
    permissions: { alice: "write" },
    checkRuns: [record(1, {}), ...more.map((over, i) => record(2 + i, over))],
  };
}

describe("action mode aggregate (bundled, GitHub-hosted runner)", () => {
  it("merges every shard and commits all outputs as ONE commit with the provenance trailers, racing a real push", async () => {
    const repo = repoWithBranch(campaignFiles({ failOn: 3 }));
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    let theirs = "";
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 1: { ref: "pr-1", sha: repo.head } },
      async beforeRefUpdate(branch) {
        // Someone pushes to the PR branch while the results commit is being made.
        if (!theirs) theirs = pushFromElsewhere(repo.bare, branch, "NOTES.md", "meanwhile\n");
      },
    });
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, pr: "1", token: "t" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ runs: "6", failed: "2" });
    const sha = run.outputs.commit as string;
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(sha);
    // Rebuilt on the pushed commit, which stays in history; nothing was forced.
    expect(git(repo.bare, "rev-parse", "pr-1^")).toBe(theirs);
    expect(git(repo.bare, "show", "pr-1:NOTES.md")).toBe("meanwhile");
    expect(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body.force)).toEqual([
      false,
      false,
    ]);
    const message = git(repo.bare, "log", "-1", "--format=%B", "pr-1");
    expect(message).toContain(`Labgate-Source-Commit: ${repo.head}`);
    expect(message).toContain("Labgate-Run: https://github.example/lab/study/actions/runs/4242");
    const changed = git(repo.bare, "diff", "--name-only", "pr-1^", "pr-1").split("\n");
    for (const f of [
      "dispatch/state.json",
      "experiments/results/all_results.csv",
      "experiments/results/aggregated.csv",
      "experiments/results/aggregated.json",
      "experiments/results/README.md",
      "experiments/results/provenance.json",
      "experiments/results/runs/full-base_s1.json",
    ])
      expect(changed).toContain(f);
    // The chart, drawn by the bundle's chart worker thread (chunks/chart-worker.js).
    expect(git(repo.bare, "show", "pr-1:experiments/results/design-table.svg")).toMatch(/^<svg/);
    expect(
      changed.filter((f) => !f.startsWith("experiments/results/") && f !== "dispatch/state.json"),
    ).toEqual([]);
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const byId = Object.fromEntries(state.experiments.map((e: any) => [e.id, e]));
    expect(byId["full-ours_s3"]).toMatchObject({
      status: "failed",
      exit_code: 3,
      git_commit: repo.head,
    });
    expect(byId["full-ours_s1"]).toMatchObject({ status: "done", git_commit: repo.head });
    const csv = git(repo.bare, "show", "pr-1:experiments/results/all_results.csv").split("\n");
    expect(csv[0]).toBe(
      "exp_id,method,dataset,group,metric,seed,value,host,gpu,finished_at,git_commit",
    );
    expect(csv.filter((l) => l.includes(repo.head))).toHaveLength(4);
    // One commit request set per attempt: ref, commit, tree, commit, ref — twice — and the
    // state file read at each attempt's head, after the default branch's labgate.yml (the plan's config).
    expect(fake.requests.filter((r) => r.path.includes("/git/")).length).toBe(10);
    expect(fake.requests.filter((r) => r.path.includes("/contents/")).map((r) => r.path)).toEqual([
      "/repos/lab/study/contents/.github/labgate.yml",
      "/repos/lab/study/contents/dispatch/state.json",
      "/repos/lab/study/contents/dispatch/state.json",
    ]);
    expect(run.summary).toContain("## labgate aggregate: 6 runs from 2 shard(s)");
  }, 120_000);

  it("merges the state a racing push committed instead of overwriting it", async () => {
    const repo = repoWithBranch(campaignFiles({ seeds: [1] }));
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    const earlier = {
      id: "pilot-ours_s1",
      exp_id: "pilot-ours",
      phase: "pilot",
      stage: 1,
      method: "ours",
      dataset: "toy",
      params: {},
      seed: 1,
      command: "python3 train.py",
      status: "done",
      shard: 0,
      git_commit: repo.head,
      checkpoint_dir: "/tmp/ckpt",
      result_file: "experiments/results/runs/pilot-ours_s1.json",
      expected_duration_hours: 0.01,
      vram_mb: 0,
      retry_count: 0,
    };
    const state = `${JSON.stringify({ project: "demo", updated: "2026-01-01T00:00:00Z", experiments: [earlier] })}\n`;
    let raced = false;
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      async beforeRefUpdate(branch) {
        // An earlier pilot's results commit lands while this one is being made.
        if (!raced) pushFromElsewhere(repo.bare, branch, "dispatch/state.json", state);
        raced = true;
      },
    });
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(0);
    const merged = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const ids = merged.experiments.map((e: any) => `${e.id}:${e.phase}`).sort();
    expect(ids).toEqual([
      "full-base_s1:full",
      "full-ours_s1:full",
      "pilot-ours_s1:pilot (archived)",
    ]);
  }, 120_000);

  it("keeps runs the approved commit already holds as done (a retry dispatch), not `shard lost`", async () => {
    const files = campaignFiles({ seeds: [1] });
    const done = {
      id: "full-base_s1",
      exp_id: "full-base",
      phase: "full",
      stage: null,
      method: "base",
      dataset: "toy",
      params: {},
      seed: 1,
      command: "python3 train.py",
      status: "done",
      host: "old-box",
      shard: 0,
      git_commit: null,
      checkpoint_dir: "/tmp/ckpt",
      result_file: "experiments/results/runs/full-base_s1.json",
      expected_duration_hours: 0.01,
      vram_mb: 0,
      retry_count: 0,
    };
    files["dispatch/state.json"] =
      `${JSON.stringify({ project: "demo", updated: "2026-01-01T00:00:00Z", experiments: [done] })}\n`;
    files["experiments/results/runs/full-base_s1.json"] = '{"metrics": {"accuracy": 0.5}}\n';
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(0);
    expect(run.outputs.failed).toBe("0");
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const byId = Object.fromEntries(state.experiments.map((e: any) => [e.id, e]));
    expect(byId["full-base_s1"]).toMatchObject({ status: "done", host: "old-box" });
    expect(byId["full-ours_s1"]).toMatchObject({ status: "done", git_commit: repo.head });
  }, 120_000);

  it("marks the runs of a shard that uploaded nothing failed with reason `shard lost`", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0"]);
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(0);
    expect(run.outputs.failed).toBe("3");
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const lost = state.experiments.filter((e: any) => e.reason === "shard lost");
    expect(lost).toHaveLength(3);
    for (const e of lost)
      expect(e).toMatchObject({ status: "failed", shard: 1, git_commit: repo.head });
    expect(state.experiments.filter((e: any) => e.status === "done")).toHaveLength(3);
    expect(run.summary).toContain("**Shard(s) 1 uploaded nothing**");
    const readme = git(repo.bare, "show", "pr-1:experiments/results/README.md");
    expect(readme).toContain("shard lost");
  }, 120_000);

  it("expects only its wave's shards: a later wave's runs are not lost, and the summary says what is left", async () => {
    // 6 runs of 0.01 h, 2 machines, at most 0.025 h a job: shards 0 and 1 are wave 1, shard 2 wave 2.
    const files = campaignFiles();
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    for (const shard of ["0", "1"]) {
      const run = await runBundledAction(
        {
          mode: "run",
          policy: policyInput(config),
          sha: repo.head,
          shard,
          "wave-runs": await waveRunsOf(repo, config),
        },
        { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
      );
      expect(run.outputs.artifact).toBe(`labgate-shard-${shard}-attempt1`);
    }
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const run = await runBundledAction(
      {
        mode: "aggregate",
        sha: repo.head,
        branch: "pr-1",
        token: "t",
        wave: "1",
        "wave-runs": await waveRunsOf(repo, config),
      },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ runs: "4", failed: "0" });
    expect(run.summary).toContain("4 runs from 2 shard(s)");
    expect(run.summary).not.toContain("uploaded nothing");
    expect(run.summary).toContain("This was wave 1 of 2");
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    expect(state.experiments.filter((e: any) => e.reason === "shard lost")).toHaveLength(0);
    expect(state.experiments.filter((e: any) => e.status === "done")).toHaveLength(4);
  }, 120_000);

  it("starts the next wave once its results are committed: workflow_dispatch of the dispatch workflow on the default branch with wave N+1", async () => {
    const files = campaignFiles();
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    for (const shard of ["0", "1"]) {
      const run = await runBundledAction(
        {
          mode: "run",
          policy: policyInput(config),
          sha: repo.head,
          shard,
          "wave-runs": await waveRunsOf(repo, config),
        },
        { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
      );
      expect(run.outputs.artifact).toBe(`labgate-shard-${shard}-attempt1`);
    }
    // The dispatch workflow's runs on the default branch: this one (wave 1), then what it starts.
    const dispatchRun = (id: number, wave: number) => ({
      id,
      status: "queued",
      conclusion: null,
      html_url: `https://github.com/lab/study/actions/runs/${id}`,
      head_sha: "0".repeat(40),
      event: "workflow_dispatch",
      head_branch: "main",
      display_title: `labgate dispatch: PR #7 at ${repo.head} (full, wave ${wave})`,
    });
    const runs: any[] = [dispatchRun(500, 1)];
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 7: { ref: "pr-1", sha: repo.head } },
      workflowRuns: { "labgate-dispatch.yml": runs },
      ...approved(repo.head),
    });
    const aggregate = async () => {
      // Each attempt's own checkout of the approved commit (the branch has moved since).
      const job = checkout(repo.bare);
      git(job, "checkout", "-q", repo.head);
      return runBundledAction(
        {
          mode: "aggregate",
          sha: repo.head,
          pr: "7",
          phase: "full",
          token: "t",
          wave: "1",
          "wave-runs": await waveRunsOf(repo, config),
        },
        {
          GITHUB_WORKSPACE: job,
          LABGATE_ARTIFACT_DIR: store,
          GITHUB_API_URL: fake?.url ?? "",
          GITHUB_RUN_ID: "500",
        },
      );
    };
    const run = await aggregate();
    expect(run.code, run.log).toBe(0);
    const dispatches = fake.requests.filter(
      (r) => r.method === "POST" && r.path.endsWith("/dispatches"),
    );
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]?.path).toBe(
      "/repos/lab/study/actions/workflows/labgate-dispatch.yml/dispatches",
    );
    expect(dispatches[0]?.body).toEqual({
      ref: "main",
      inputs: { pr: "7", sha: repo.head, phase: "full", wave: "2" },
    });
    expect(run.summary).toContain("This was wave 1 of 2");
    expect(run.summary).toContain("Started wave 2");
    expect(run.summary).not.toContain("does not dispatch");
    // A re-run of the job (the wave-2 run now listed) starts wave 2 no second time.
    runs.unshift(dispatchRun(501, 2));
    const again = await aggregate();
    expect(again.code, again.log).toBe(0);
    expect(fake.requests.filter((r) => r.path.endsWith("/dispatches"))).toHaveLength(1);
    expect(again.summary).toContain("wave 2 was started already");
  }, 180_000);

  it("a next wave it cannot start ends the job red, saying why and how to start it by hand", async () => {
    const files = campaignFiles();
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    for (const shard of ["0", "1"])
      await runBundledAction(
        {
          mode: "run",
          policy: policyInput(config),
          sha: repo.head,
          shard,
          "wave-runs": await waveRunsOf(repo, config),
        },
        { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
      );
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 7: { ref: "pr-1", sha: repo.head } },
      workflowRuns: { "labgate-dispatch.yml": [] },
      // A workflow whose aggregate job was not given `actions: write`.
      dispatchStatus: 403,
      ...approved(repo.head),
    });
    const run = await runBundledAction(
      {
        mode: "aggregate",
        sha: repo.head,
        pr: "7",
        phase: "full",
        token: "t",
        wave: "1",
        "wave-runs": await waveRunsOf(repo, config),
      },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(1);
    // The results are committed all the same.
    expect(
      JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json")).experiments,
    ).not.toHaveLength(0);
    expect(run.log).toContain(
      "::error::starting wave 2 (`labgate-dispatch.yml` on `main`) failed: GitHub answered 403: the aggregate job needs `actions: write`",
    );
    expect(run.summary).toContain("Dispatch `labgate-dispatch.yml` with `wave: 2` by hand.");
  }, 180_000);

  it("ends red with the reason when the branch keeps moving, and never forces", async () => {
    const repo = repoWithBranch(campaignFiles({ seeds: [1] }));
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    let n = 0;
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      async beforeRefUpdate(branch) {
        pushFromElsewhere(repo.bare, branch, `n${n}.md`, `${n++}\n`);
      },
    });
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t", "max-attempts": "2" },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      "::error::the results commit failed: could not commit to pr-1: the branch moved 2 times",
    );
    expect(run.summary).toContain("The runs' outputs are in the shard artifacts");
    expect(git(repo.bare, "log", "--format=%s", "pr-1")).not.toContain("labgate: results");
  }, 120_000);
});

describe("action mode aggregate: paths come from the plan, never from an artifact (docs/security.md)", () => {
  /** Rewrites a sidecar inside a shard artifact the way code on the GPU runner could. */
  function tamper(store: string, artifact: string, runId: string, fields: Record<string, unknown>) {
    const file = join(store, artifact, "dispatch", `${runId}.status.json`);
    const sidecar = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...sidecar, ...fields }));
  }

  it("never reads /etc/passwd, /proc/self/environ or a symbolic link that a shard's artifact names as a result file, nor takes a sidecar whose id climbs out", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    const ids = (artifact: string) =>
      readdirSync(join(store, artifact, "dispatch")).map((f) => f.replace(/\.status\.json$/, ""));
    const [first, second, fourth] = ids("labgate-shard-0-attempt1");
    const [third] = ids("labgate-shard-1-attempt1");
    tamper(store, "labgate-shard-0-attempt1", first as string, { result_file: "/etc/passwd" });
    tamper(store, "labgate-shard-0-attempt1", second as string, {
      result_file: "/proc/self/environ",
      checkpoint_dir: "/etc",
    });
    // a sidecar naming a run id that climbs out of the checkout
    const climbing = "../../../../../tmp/labgate-climb/package";
    tamper(store, "labgate-shard-0-attempt1", fourth as string, { id: climbing });
    const linked = join(
      store,
      "labgate-shard-1-attempt1",
      "experiments/results/runs",
      `${third}.json`,
    );
    rmSync(linked);
    symlinkSync("/etc/passwd", linked);
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const token = "ghs_AGGREGATE_JOB_TOKEN_0123456789";
    const run = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", token },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(run.code).toBe(0);
    const sent = JSON.stringify(fake.requests.map((r) => r.body));
    expect(sent).not.toContain("root:x:0:0");
    expect(sent).not.toContain(token);
    expect(sent).not.toContain("/etc/passwd");
    expect(sent).not.toContain("/proc/self/environ");
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    const byId = Object.fromEntries(state.experiments.map((e: any) => [e.id, e]));
    for (const id of [first, second, third])
      expect(byId[id as string].result_file).toBe(`experiments/results/runs/${id}.json`);
    // the tampered sidecars' runs keep their own result files; the link's run has none
    expect(
      JSON.parse(git(repo.bare, "show", `pr-1:experiments/results/runs/${first}.json`)),
    ).toHaveProperty("metrics");
    const tree = git(repo.bare, "ls-tree", "-r", "pr-1", "experiments/results/runs");
    expect(tree).not.toContain(`${third}.json`);
    expect(tree).not.toMatch(/^120000/m);
    expect(byId[fourth as string]).toMatchObject({ status: "failed", reason: "shard lost" });
    expect(state.experiments.map((e: any) => e.id)).not.toContain(climbing);
    expect(run.log).toContain(
      `shard 0's artifact: dispatch/${fourth}.status.json: not a labgate run sidecar: id: ${JSON.stringify(climbing)} is not a run id`,
    );
    expect(run.log).toContain(
      `shard 1's artifact: experiments/results/runs/${third}.json: is a symbolic link, not a file (a link is never followed); not taken`,
    );
  }, 120_000);

  it("takes each shard's artifact from this attempt of the workflow run or an earlier one: a planted later attempt is ignored", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    await runShards(repo, store, ["0", "1"]);
    // Something holding the run's artifact token uploads a "re-run" of shard 1 with other numbers.
    const planted = join(store, "labgate-shard-1-attempt2");
    cpSync(join(store, "labgate-shard-1-attempt1"), planted, { recursive: true });
    const runsDir = join(planted, "experiments/results/runs");
    for (const f of readdirSync(runsDir))
      writeFileSync(join(runsDir, f), '{"metrics": {"accuracy": 0.999}, "meta": {}}\n');
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const aggregate = (attempt: string) => {
      // the approved commit, checked out (the branch has moved on by the results commit)
      const workspace = checkout(repo.bare);
      git(workspace, "checkout", "-q", repo.head);
      return runBundledAction(
        { mode: "aggregate", sha: repo.head, branch: "pr-1", token: "t" },
        {
          GITHUB_WORKSPACE: workspace,
          LABGATE_ARTIFACT_DIR: store,
          GITHUB_API_URL: fake?.url as string,
          GITHUB_RUN_ATTEMPT: attempt,
        },
      );
    };

    const first = await aggregate("1");
    expect(first.code).toBe(0);
    expect(first.log).toContain(
      "labgate-shard-1-attempt2: ignored; this is attempt 1 of the workflow run, so no shard job of it uploaded an attempt 2 (something else did)",
    );
    expect(first.log).toContain("downloaded labgate-shard-1-attempt1");
    const csv = git(repo.bare, "show", "pr-1:experiments/results/all_results.csv");
    expect(csv).not.toContain("0.999");
    expect(csv.split("\n").filter((l) => l.includes(repo.head))).toHaveLength(6);

    // A real re-run of shard 1 in attempt 2 is what the aggregate job of attempt 2 takes.
    const second = await aggregate("2");
    expect(second.code).toBe(0);
    expect(second.log).toContain("downloaded labgate-shard-1-attempt2");
    expect(git(repo.bare, "show", "pr-1:experiments/results/all_results.csv")).toContain("0.999");
  }, 120_000);
});

describe("action mode aggregate: the next wave of a campaign in waves", () => {
  /** 6 runs of 0.01 h, 2 machines, at most 0.025 h a job: wave 1 is shards 0 and 1. */
  function waved() {
    const files = campaignFiles();
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    return { repo: repoWithBranch(files), config };
  }

  const aggregateWave1 = async (repo: RepoFixture, config: string, store: string) =>
    runBundledAction(
      {
        mode: "aggregate",
        sha: repo.head,
        pr: "7",
        phase: "full",
        token: "t",
        wave: "1",
        "wave-runs": await waveRunsOf(repo, config),
      },
      {
        GITHUB_WORKSPACE: checkout(repo.bare),
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake?.url ?? "",
        GITHUB_RUN_ID: "500",
      },
    );

  it("starts no next wave after /cancel, and ends green saying the campaign was stopped", async () => {
    const { repo, config } = waved();
    const store = tempDir("labgate-artifacts-");
    for (const shard of ["0", "1"])
      await runBundledAction(
        {
          mode: "run",
          policy: policyInput(config),
          sha: repo.head,
          shard,
          "wave-runs": await waveRunsOf(repo, config),
        },
        { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
      );
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 7: { ref: "pr-1", sha: repo.head } },
      workflowRuns: { "labgate-dispatch.yml": [] },
      // `/cancel` while wave 1 ran: the app's newest record closes the approval.
      ...approved(repo.head, { state: "cancelled" }),
    });
    const run = await aggregateWave1(repo, config, store);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    // Wave 1's results are committed all the same.
    expect(
      JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json")).experiments.filter(
        (e: any) => e.status === "done",
      ),
    ).toHaveLength(4);
    expect(fake.requests.filter((r) => r.path.endsWith("/dispatches"))).toHaveLength(0);
    expect(run.summary).toContain("wave 2 was not started: the campaign was stopped");
    expect(run.summary).toContain("is cancelled (labgate/phase8 record 2)");
    // The approval was read before deciding.
    expect(fake.requests.some((r) => r.path.endsWith("/check-runs"))).toBe(true);
  }, 180_000);

  it("starts no next wave when no run of this wave reported back: the next would plan them again", async () => {
    const { repo, config } = waved();
    // No shard uploaded anything (both jobs killed).
    const store = tempDir("labgate-artifacts-");
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 7: { ref: "pr-1", sha: repo.head } },
      workflowRuns: { "labgate-dispatch.yml": [] },
      ...approved(repo.head),
    });
    const run = await aggregateWave1(repo, config, store);
    expect(run.code).toBe(1);
    expect(fake.requests.filter((r) => r.path.endsWith("/dispatches"))).toHaveLength(0);
    expect(run.log).toContain(
      "::error::no run of wave 1 reported back (4 lost), so labgate does not start wave 2, which would plan them again",
    );
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    expect(state.experiments.filter((e: any) => e.reason === "shard lost")).toHaveLength(4);
  }, 180_000);
});
