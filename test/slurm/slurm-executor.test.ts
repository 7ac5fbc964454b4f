import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { campaignFiles } from "../action/helpers/campaign-fixture.js";
import { repoWithBranch } from "../action/helpers/git-fixture.js";
import { policyInput } from "../action/helpers/policy-fixture.js";
import { runBundledAction } from "../action/helpers/run-bundled-action.js";
import { BIN, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, resultOf, sidecars } from "../runner/campaign-repo.js";
import {
  describeSlurm,
  manifests,
  SLURM_ENV,
  slurm,
  slurmConfig,
  squeue,
  taskOutputs,
  waitFor,
} from "./slurm-cluster.js";

const TOKEN = "ghs_slurmleak000000000000000000000000";
const node = hostname().split(".")[0];

const statusOf = (dir: string) =>
  Object.fromEntries([...sidecars(dir)].map(([id, e]) => [id, e.status]).sort());
const arrayOf = (e: Record<string, any> | undefined) =>
  /^slurm:labgate-test:(\d+)_\d+$/.exec(e?.job_id ?? "")?.[1];

describeSlurm("labgate run on a runner pool with executor: slurm (a real SLURM cluster)", () => {
  const foreign: string[] = [];
  afterAll(() => {
    if (foreign.length > 0) slurm("scancel", ...foreign);
  });

  it("runs a small campaign as one job array per resource request; results have the local executor's shape; no token reaches the job", async () => {
    const experiments = [
      { id: "train", seeds: [1, 2, 3], mode: "env-dump", args: "--value 0.9" },
      { id: "ongpu", vram_mb: 1000, args: "--value 0.8" },
      { id: "nan", mode: "crash" },
    ];
    const dir = campaignRepo(experiments, slurmConfig());
    const r = await runCli(["run"], dir, { ...SLURM_ENV, GITHUB_TOKEN: TOKEN });
    // 1: a run failed (nan), as with the local executor below.
    expect(r.code, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBe(1);
    // CPU runs and the GPU run ask for different things: two arrays, two sbatch calls.
    expect(manifests(dir)).toHaveLength(2);
    expect(r.stdout).toMatch(
      /submitted job array \d+ \(labgate-[0-9a-f]{8}-[0-9a-f]{10}\): 4 run\(s\)/,
    );
    const s = sidecars(dir);
    expect(statusOf(dir), JSON.stringify([...s.values()].map((e) => [e.id, e.reason]))).toEqual({
      nan_s1: "failed",
      ongpu_s1: "done",
      train_s1: "done",
      train_s2: "done",
      train_s3: "done",
    });
    expect(s.get("nan_s1")?.reason).toBe("exit 1: RuntimeError: loss became NaN at step 3");
    // Provenance: the cluster, the node and the job id of each row.
    for (const e of s.values()) {
      expect(e.job_id).toMatch(/^slurm:labgate-test:\d+_\d+$/);
      expect(e.host).toBe(node);
    }
    expect(new Set([...s.values()].map(arrayOf)).size).toBe(2);
    const provenance = JSON.parse(
      readFileSync(join(dir, "experiments/results/provenance.json"), "utf8"),
    );
    expect(provenance.runs.find((p: { run_id: string }) => p.run_id === "train_s1")).toMatchObject({
      runner: s.get("train_s1")?.job_id,
      host: node,
    });
    // A CPU run sees no GPU: SLURM gave its task none.
    expect(resultOf(dir, "train_s1").meta.cuda_visible_devices).toBe("");
    // The GPU run got the GPU SLURM gave its task.
    const gpuMeta = resultOf(dir, "ongpu_s1").meta;
    expect(gpuMeta.cuda_visible_devices).toMatch(/^[01]$/);
    expect(s.get("ongpu_s1")?.gpu).toBe(`${gpuMeta.cuda_visible_devices} (slurm)`);
    // The run's environment, and its parent's (labgate run-task, started by SLURM with the
    // --export list): no token; the parent is the SLURM task.
    const log = readFileSync(join(dir, ".labgate/logs/train_s1.log"), "utf8");
    const own = (log.match(/^ENV (.*)$/m)?.[1] ?? "").split(" ");
    const parent = (log.match(/^PARENT_ENV (.*)$/m)?.[1] ?? "").split(" ");
    expect(parent).toContain("SLURM_ARRAY_JOB_ID");
    expect(parent).toContain("PATH");
    expect(own).not.toContain("GITHUB_TOKEN");
    expect(parent).not.toContain("GITHUB_TOKEN");
    for (const f of readdirSync(join(dir, ".labgate/slurm")))
      expect(readFileSync(join(dir, ".labgate/slurm", f), "utf8")).not.toContain(TOKEN);

    // The same campaign with the local executor: the same statuses, sidecar fields, result files.
    const local = campaignRepo(experiments, slurmConfig());
    const l = await runCli(["run"], local, { LABGATE_EXECUTOR: "local" });
    expect(l.code, l.stderr).toBe(1);
    expect(manifests(local)).toHaveLength(0);
    expect(statusOf(local)).toEqual(statusOf(dir));
    const keys = (d: string) =>
      [...sidecars(d).values()].map((e) => Object.keys(e).sort().join(","));
    expect(new Set(keys(dir))).toEqual(new Set(keys(local)));
    const results = (d: string) => readdirSync(join(d, "experiments/results")).sort();
    expect(results(dir)).toEqual(results(local));
    expect(readdirSync(join(dir, "experiments/results/runs")).sort()).toEqual(
      readdirSync(join(local, "experiments/results/runs")).sort(),
    );
    const header = (d: string) =>
      readFileSync(join(d, "experiments/results/all_results.csv"), "utf8").split("\n")[0];
    expect(header(dir)).toBe(header(local));
    expect(Object.keys(resultOf(dir, "train_s1").metrics)).toEqual(
      Object.keys(resultOf(local, "train_s1").metrics),
    );
  }, 240_000);

  it("a run's metrics_from reaches its task: the metrics are taken from its output", async () => {
    const dir = campaignRepo(
      [
        {
          id: "kv",
          command: `python3 -c "print('loss=1.25'); print('accuracy: 0.75')"`,
          metrics_from: { pattern: "^(\\w+)[=:]\\s*([-+0-9.eE]+)$" },
        },
      ],
      slurmConfig(),
    );
    const r = await runCli(["run"], dir, SLURM_ENV);
    expect(r.code, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBe(0);
    expect(sidecars(dir).get("kv_s1")?.job_id).toMatch(/^slurm:labgate-test:/);
    expect(resultOf(dir, "kv_s1").metrics).toEqual({ loss: 1.25, accuracy: 0.75 });
  }, 120_000);

  it("--dry-run prints the sbatch line of each array and submits nothing", async () => {
    const dir = campaignRepo(
      [
        { id: "a", seeds: [1, 2, 3] },
        { id: "g", vram_mb: 1000, seeds: [1, 2] },
      ],
      slurmConfig({ partition: "debug", max_concurrent: 4, extra_args: ["--nice=10"] }),
    );
    const before = squeue().length;
    const r = await runCli(["run", "--dry-run"], dir, { ...SLURM_ENV, GITHUB_TOKEN: TOKEN });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("sbatch "));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^sbatch --parsable --array=0-2%4 --job-name=labgate-[0-9a-f]{8}-[0-9a-f]{10} --comment=labgate:a_s1,a_s2,a_s3 --time=3 --signal=B:USR2@31 --export=\S+ --chdir=\S+ --output=\S+_%a\.out --ntasks=1 --cpus-per-task=1 --partition=debug --nice=10 \S+\.sh {4}# 3 run\(s\)/,
    );
    expect(lines[1]).toContain("--array=0-1%4");
    expect(lines[1]).toContain("--gres=gpu:1");
    expect(r.stdout).not.toContain("GITHUB_TOKEN");
    expect(r.stdout).not.toContain(TOKEN);
    expect(manifests(dir)).toHaveLength(0);
    expect(squeue().length).toBe(before);
  }, 120_000);

  it("a run past its time limit is on_hold: the task's labgate stops it at expected_duration_hours x timeout_factor", async () => {
    // 0.001 h x 2 = 7.2 s; SLURM's --time is 2 minutes (7.2 s + 1 s grace + 60 s, rounded up).
    const dir = campaignRepo(
      [{ id: "slow", mode: "hang", expected_duration_hours: 0.001 }],
      slurmConfig(),
    );
    const r = await runCli(["run"], dir, SLURM_ENV);
    const e = sidecars(dir).get("slow_s1");
    expect(e?.status, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBe("on_hold");
    expect(e?.reason).toMatch(/^timeout/);
    expect(e?.job_id).toMatch(/^slurm:labgate-test:\d+_0$/);
  }, 240_000);

  it("a run whose SLURM time limit comes first is on_hold: --signal warns its labgate, which stops it", async () => {
    const dir = campaignRepo(
      [{ id: "long", mode: "hang", expected_duration_hours: 2 }],
      slurmConfig(),
    );
    const run = runCli(["run"], dir, SLURM_ENV);
    const job = await waitFor("the task to run", () => {
      const e = sidecars(dir).get("long_s1");
      return e?.status === "running" && /^slurm:labgate-test:(\d+_\d+)$/.exec(e.job_id)?.[1];
    });
    // The cluster's admin (or a QOS) gives the job one minute: SLURM's limit now comes first.
    slurm("scontrol", "update", `JobId=${job}`, "TimeLimit=1");
    const r = await run;
    const e = sidecars(dir).get("long_s1");
    expect(e?.status, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBe("on_hold");
    expect(e?.reason).toMatch(/^timeout: .*SLURM/);
  }, 300_000);

  it("scancel of one task: that run is cancelled, the others are done", async () => {
    const dir = campaignRepo(
      [
        { id: "ok", seeds: [1, 2] },
        { id: "stuck", mode: "hang" },
      ],
      slurmConfig(),
    );
    const run = runCli(["run"], dir, SLURM_ENV);
    const job = await waitFor("the hanging task to run", () => {
      const e = sidecars(dir).get("stuck_s1");
      return e?.status === "running" && /^slurm:labgate-test:(\d+_\d+)$/.exec(e.job_id)?.[1];
    });
    slurm("scancel", job);
    const r = await run;
    expect(statusOf(dir), `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toEqual({
      ok_s1: "done",
      ok_s2: "done",
      stuck_s1: "cancelled",
    });
    expect(sidecars(dir).get("stuck_s1")?.reason).toMatch(/cancel/i);
  }, 240_000);

  it("a task SLURM preempts is submitted again (infrastructure) and ends done", async () => {
    const dir = campaignRepo([{ id: "victim", args: "--sleep 8 --value 0.9" }], slurmConfig());
    const run = runCli(["run"], dir, SLURM_ENV);
    const first = await waitFor("the task to run", () => {
      const e = sidecars(dir).get("victim_s1");
      return e?.status === "running" && arrayOf(e);
    });
    // A job in the cluster's higher-priority partition takes every CPU: SLURM cancels the task
    // (state PREEMPTED), as it does for a lab's preemptible partition.
    const cpus = slurm("sinfo", "--noheader", "--format=%c").trim();
    slurm(
      "sbatch",
      "--partition=urgent",
      `--cpus-per-task=${cpus}`,
      "--output=/dev/null",
      "--wrap=sleep 2",
    );
    const r = await run;
    expect(r.code, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBe(0);
    expect(r.stdout).toContain(
      "victim_s1: infrastructure: slurm state PREEMPTED; submitting it again",
    );
    const e = sidecars(dir).get("victim_s1");
    expect(e?.status).toBe("done");
    expect(arrayOf(e)).not.toBe(first);
    expect(manifests(dir)).toHaveLength(2);
  }, 240_000);

  it("early stop: once an experiment's rule is met, its remaining tasks are scancelled", async () => {
    const dir = campaignRepo(
      [
        {
          id: "weak",
          seeds: [1, 2, 3, 4, 5, 6],
          args: "--sleep 1 --value 0.1",
          early_stop: { metric: "accuracy", below: 0.5, min_runs: 1 },
        },
      ],
      slurmConfig({ max_concurrent: 1 }),
    );
    const r = await runCli(["run"], dir, SLURM_ENV);
    const entries = [...sidecars(dir).values()];
    const done = entries.filter((e) => e.status === "done");
    const cancelled = entries.filter((e) => e.status === "cancelled");
    expect(done.length, `${r.stdout}\n${r.stderr}\n${taskOutputs(dir)}`).toBeGreaterThanOrEqual(1);
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect(done.length + cancelled.length).toBe(6);
    for (const e of cancelled)
      expect(e.reason).toMatch(/^early stop: mean accuracy 0\.1 < 0\.5 over \d+ runs?$/);
    expect(r.stdout).toContain("weak: early stop: mean accuracy 0.1 < 0.5");
    expect(r.stdout).toContain("its remaining runs are cancelled (scancel)");
  }, 240_000);

  it("labgate killed while its array is queued: the next labgate run waits on that array and submits nothing again", async () => {
    const dir = campaignRepo(
      [{ id: "step", seeds: [1, 2, 3, 4], args: "--sleep 1 --value 0.7" }],
      slurmConfig({ max_concurrent: 1 }),
    );
    const first = spawn(process.execPath, [BIN, "run"], {
      cwd: dir,
      env: { ...process.env, ...SLURM_ENV },
      stdio: "ignore",
    });
    const exited = new Promise((r) => first.on("exit", r));
    await waitFor("the array to be submitted, tasks still pending", () => {
      const name = manifests(dir)[0]?.replace(/\.json$/, "");
      return name !== undefined && squeue().some((l) => l.endsWith(` PENDING ${name}`));
    });
    first.kill("SIGKILL");
    await exited;
    const r = await runCli(["run"], dir, SLURM_ENV);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /submitted by an earlier labgate run, still holds [1-4] of these runs: waiting on it, not submitting them again/,
    );
    expect(manifests(dir)).toHaveLength(1);
    const s = sidecars(dir);
    expect([...s.values()].map((e) => e.status)).toEqual(["done", "done", "done", "done"]);
    expect(new Set([...s.values()].map(arrayOf)).size).toBe(1);
  }, 240_000);

  it("200 runs in two resource groups are two sbatch calls; Ctrl+C scancels those arrays and nothing else", async () => {
    foreign.push(
      slurm(
        "sbatch",
        "--parsable",
        "--hold",
        "--job-name=someone-else",
        "--output=/dev/null",
        "--wrap=sleep 600",
      ).trim(),
    );
    const seeds = Array.from({ length: 100 }, (_, i) => i + 1);
    const dir = campaignRepo(
      [
        { id: "cpu", seeds, mode: "hang" },
        { id: "gpu", seeds, mode: "hang", vram_mb: 1000 },
      ],
      slurmConfig(),
    );
    const child = spawn(process.execPath, [BIN, "run"], {
      cwd: dir,
      env: { ...process.env, ...SLURM_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
    });
    child.stderr.on("data", (b) => {
      out += b;
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const arrays = await waitFor(
      "both arrays to be submitted",
      () => {
        const ids = [...out.matchAll(/submitted job array (\d+) /g)].map((m) => m[1] as string);
        if (ids.length < 2 && child.exitCode !== null)
          throw new Error(`labgate run exited ${child.exitCode} before submitting:\n${out}`);
        return ids.length === 2 && ids;
      },
      120_000,
      () => `labgate run printed:\n${out}\nexit: ${child.exitCode}`,
    );
    expect(manifests(dir)).toHaveLength(2);
    const tasks = squeue().filter((l) => arrays.some((a) => l.startsWith(`${a}_`)));
    expect(tasks).toHaveLength(200);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    const s = sidecars(dir);
    expect(s.size).toBe(200);
    expect(new Set([...s.values()].map((e) => e.status))).toEqual(new Set(["cancelled"]));
    // Those arrays are cancelled; someone else's job is still there.
    const after = squeue();
    for (const a of arrays)
      for (const l of after.filter((x) => x.startsWith(`${a}_`)))
        expect(l).toContain(" CANCELLED ");
    expect(after.find((l) => l.startsWith(`${foreign[0]} `))).toContain(" PENDING someone-else");
  }, 300_000);

  it("the action's run mode submits its shard as a job array; the tasks run the bundle's per-run step; the artifact holds their sidecars and results", async () => {
    const files = campaignFiles();
    files[".github/labgate.yml"] = slurmConfig().replace(
      "gpus_per_machine: 2",
      "machines: 2\n    gpus_per_machine: 2",
    );
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      {
        mode: "run",
        policy: policyInput(files[".github/labgate.yml"]),
        sha: repo.head,
        shard: "0",
        phase: "full",
      },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store, ...SLURM_ENV },
      { timeoutMs: 200_000 },
    );
    expect(run.code, `${run.log}\n${taskOutputs(repo.work)}`).toBe(0);
    expect(run.outputs).toMatchObject({
      runs: "3",
      failed: "0",
      artifact: "labgate-shard-0-attempt1",
    });
    expect(manifests(repo.work)).toHaveLength(1);
    const dir = join(store, "labgate-shard-0-attempt1/dispatch");
    const sidecars = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
    expect(sidecars).toHaveLength(3);
    for (const s of sidecars) {
      expect(s).toMatchObject({ status: "done", shard: 0, git_commit: repo.head });
      expect(s.job_id).toMatch(/^slurm:labgate-test:\d+_[0-2]$/);
      expect(s.run_url).toBe("https://github.example/lab/study/actions/runs/4242");
    }
  }, 240_000);
});
