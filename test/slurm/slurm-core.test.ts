import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import type { PlannedRun } from "../../src/core/plan/planned-run.js";
import {
  arrayComment,
  exportList,
  MAX_COMMENT_CHARS,
  planSlurmArrays,
  type SlurmRunRequest,
  sbatchArgs,
} from "../../src/core/slurm/slurm-arrays.js";
import { taskVerdict } from "../../src/core/slurm/slurm-job-state.js";
import { SlurmPoolOptions } from "../../src/core/slurm/slurm-pool-options.js";
import { parseSacct, parseSqueue } from "../../src/core/slurm/slurm-task-records.js";
import {
  slurmTimeLimitMinutes,
  slurmWarningSeconds,
} from "../../src/core/slurm/slurm-time-limit.js";
import { untrustedEnv } from "../../src/exec/untrusted-env.js";
import { chooseExecutor } from "../../src/operations/runner/slurm-executor.js";

const options = (o: Record<string, unknown> = {}) => SlurmPoolOptions.parse(o);
const req = (id: string, o: Partial<SlurmRunRequest> = {}): SlurmRunRequest => ({
  run_id: id,
  vram_mb: 0,
  expected_duration_hours: 1,
  pool: "cluster",
  options: options(),
  ...o,
});
const plan = (runs: SlurmRunRequest[]) =>
  planSlurmArrays({
    runs,
    timeoutFactor: 2,
    killGraceSeconds: 30,
    repoKey: "0123abcd",
    nonce: "n",
  });

describe("SLURM time limit", () => {
  it("is expected hours x timeout_factor, plus the kill grace and a minute, rounded up to minutes", () => {
    // 1 h x 2 = 7200 s, + 30 s grace + 60 s = 7290 s = 121.5 min -> 122
    expect(
      slurmTimeLimitMinutes({
        expectedHours: 1,
        timeoutFactor: 2,
        killGraceSeconds: 30,
        minMinutes: 10,
      }),
    ).toBe(122);
    expect(
      slurmTimeLimitMinutes({
        expectedHours: 0.5,
        timeoutFactor: 1,
        killGraceSeconds: 0,
        minMinutes: 1,
      }),
    ).toBe(31);
  });

  it("is never below min_time_minutes", () => {
    expect(
      slurmTimeLimitMinutes({
        expectedHours: 0.001,
        timeoutFactor: 2,
        killGraceSeconds: 1,
        minMinutes: 10,
      }),
    ).toBe(10);
  });

  it("warns the task (--signal) the kill grace plus 30 s before the limit", () => {
    expect(slurmWarningSeconds(30)).toBe(60);
  });
});

describe("job arrays", () => {
  it("puts runs with identical requests in one array, in their order", () => {
    const arrays = plan([req("a_s1"), req("a_s2"), req("b_s1")]);
    expect(arrays).toHaveLength(1);
    expect(arrays[0]?.run_ids).toEqual(["a_s1", "a_s2", "b_s1"]);
    expect(arrays[0]?.name).toMatch(/^labgate-0123abcd-[0-9a-f]{10}$/);
  });

  it("splits by gres (derived from vram_mb), time limit, pool options and pool", () => {
    const arrays = plan([
      req("cpu_s1"),
      req("gpu_s1", { vram_mb: 8000 }),
      req("gpu_s2", { vram_mb: 4000 }),
      req("long_s1", { expected_duration_hours: 5 }),
      req("mem_s1", { options: options({ mem_mb: 64000 }) }),
      req("other_s1", { pool: "other" }),
      req("cpu_s2"),
    ]);
    expect(arrays.map((a) => a.run_ids)).toEqual([
      ["cpu_s1", "cpu_s2"],
      ["gpu_s1", "gpu_s2"],
      ["long_s1"],
      ["mem_s1"],
      ["other_s1"],
    ]);
    expect(arrays[0]?.request.gres).toBeUndefined();
    expect(arrays[1]?.request.gres).toBe("gpu:1");
  });

  it("uses the pool's gres when given", () => {
    const [a] = plan([req("g_s1", { vram_mb: 8000, options: options({ gres: "gpu:a100:2" }) })]);
    expect(a?.request.gres).toBe("gpu:a100:2");
  });

  it("1,000 runs of one request are one sbatch; 2,500 with max_array_size 1000 are three", () => {
    const many = (n: number, o: Record<string, unknown> = {}) =>
      Array.from({ length: n }, (_, i) => req(`x_s${i}`, { options: options(o) }));
    expect(plan(many(1000))).toHaveLength(1);
    const split = plan(many(2500, { max_array_size: 1000 }));
    expect(split.map((a) => a.run_ids.length)).toEqual([1000, 1000, 500]);
    expect(new Set(split.map((a) => a.name)).size).toBe(3);
  });

  it("names two submissions of the same runs differently (a resubmission after NODE_FAIL)", () => {
    const a = planSlurmArrays({
      runs: [req("a_s1")],
      timeoutFactor: 2,
      killGraceSeconds: 30,
      repoKey: "0123abcd",
      nonce: "1",
    });
    const b = planSlurmArrays({
      runs: [req("a_s1")],
      timeoutFactor: 2,
      killGraceSeconds: 30,
      repoKey: "0123abcd",
      nonce: "2",
    });
    expect(a[0]?.name).not.toBe(b[0]?.name);
  });
});

describe("sbatch arguments", () => {
  const [array] = plan([
    req("a_s1", {
      vram_mb: 8000,
      options: options({
        partition: "gpu",
        account: "lab",
        qos: "normal",
        cpus_per_task: 4,
        mem_mb: 32000,
        max_concurrent: 8,
        extra_args: ["--constraint=a100"],
      }),
    }),
    ...["a_s2", "a_s3"].map((id) =>
      req(id, {
        vram_mb: 8000,
        options: options({
          partition: "gpu",
          account: "lab",
          qos: "normal",
          cpus_per_task: 4,
          mem_mb: 32000,
          max_concurrent: 8,
          extra_args: ["--constraint=a100"],
        }),
      }),
    ),
  ]);
  const args = sbatchArgs(
    array as NonNullable<typeof array>,
    { cwd: "/repo", script: "/repo/.labgate/slurm/x.sh", output: "/repo/.labgate/slurm/x_%a.out" },
    ["PATH", "HOME"],
    30,
  );

  it("one array with its throttle, time limit, signal, name, comment and request", () => {
    expect(args).toEqual([
      "--parsable",
      "--array=0-2%8",
      `--job-name=${array?.name}`,
      "--comment=labgate:a_s1,a_s2,a_s3",
      "--time=122",
      "--signal=B:USR2@60",
      "--export=HOME,PATH",
      "--chdir=/repo",
      "--output=/repo/.labgate/slurm/x_%a.out",
      "--ntasks=1",
      "--cpus-per-task=4",
      "--partition=gpu",
      "--account=lab",
      "--qos=normal",
      "--gres=gpu:1",
      "--mem=32000M",
      "--constraint=a100",
      "/repo/.labgate/slurm/x.sh",
    ]);
  });

  it("--export names only variables of the scrubbed environment, never a token or a value", () => {
    const env = {
      PATH: "/usr/bin",
      HOME: "/home/r",
      GITHUB_TOKEN: "ghs_x",
      ACTIONS_RUNTIME_TOKEN: "t",
      LABGATE_APP_PRIVATE_KEY: "k",
      "BASH_FUNC_x%%": "() { :; }",
      "A,B": "1",
      SLURM_CONF: "/etc/slurm.conf",
    };
    const list = exportList(Object.keys(untrustedEnv(env)));
    expect(list).toBe("HOME,PATH");
    expect(list).not.toContain("ghs_x");
    expect(exportList([])).toBe("NONE");
  });

  it("keeps the comment short: the run ids, cut with how many more", () => {
    const ids = Array.from({ length: 300 }, (_, i) => `experiment-with-a-long-name_s${i}`);
    const c = arrayComment(ids);
    expect(c.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(c).toMatch(/^labgate:experiment-with-a-long-name_s0,.*,\.\.\.\+\d+$/);
    const shown = c
      .slice("labgate:".length)
      .split(",")
      .filter((s) => !s.startsWith("..."));
    expect(Number(c.match(/\+(\d+)$/)?.[1]) + shown.length).toBe(300);
  });
});

describe("SLURM states -> labgate states", () => {
  const running = { status: "running" as const };
  const done = { status: "done" as const };
  const failed = { status: "failed" as const };
  const onHold = { status: "on_hold" as const };
  const queued = { status: "queued" as const };

  it.each([
    ["PENDING", undefined, "waiting"],
    ["REQUEUED", queued, "waiting"],
    ["RUNNING", running, "running"],
    ["COMPLETING", running, "running"],
    ["COMPLETED", done, "sidecar"],
    ["FAILED", failed, "sidecar"],
    ["TIMEOUT", onHold, "sidecar"],
    ["CANCELLED", { status: "cancelled" as const }, "sidecar"],
    ["NODE_FAIL", done, "sidecar"],
  ])("%s with a %o sidecar: %s", (state, sidecar, kind) => {
    expect(taskVerdict(state, sidecar).kind).toBe(kind);
  });

  it("TIMEOUT of a task its labgate did not stop is on_hold", () => {
    expect(taskVerdict("TIMEOUT", running)).toEqual({
      kind: "final",
      status: "on_hold",
      reason: "timeout: the job reached its SLURM time limit (slurm state TIMEOUT)",
    });
  });

  it("OUT_OF_MEMORY is failed (out-of-memory), whatever the sidecar says", () => {
    const v = taskVerdict("OUT_OF_MEMORY", failed);
    expect(v).toMatchObject({ kind: "final", status: "failed" });
    expect(v.kind === "final" && v.reason).toMatch(/^out-of-memory/);
  });

  it.each(["NODE_FAIL", "PREEMPTED", "BOOT_FAIL"])("%s is retried (infrastructure)", (s) => {
    expect(taskVerdict(s, running)).toEqual({
      kind: "retry",
      reason: `infrastructure: slurm state ${s}`,
    });
  });

  it("CANCELLED (sacct: 'CANCELLED by 1000') without a final sidecar is cancelled", () => {
    expect(taskVerdict("CANCELLED by 1000", running)).toMatchObject({
      kind: "final",
      status: "cancelled",
    });
  });

  it("a task that never wrote a final sidecar is failed (no sidecar: slurm state X)", () => {
    expect(taskVerdict("FAILED", queued)).toEqual({
      kind: "final",
      status: "failed",
      reason: "no sidecar: slurm state FAILED",
    });
    expect(taskVerdict("COMPLETED", undefined)).toMatchObject({
      reason: "no sidecar: slurm state COMPLETED",
    });
    expect(taskVerdict(null, running)).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^no sidecar: slurm state unknown/),
    });
  });
});

describe("squeue and sacct output", () => {
  it("squeue: one task a line, pending ones listed one by one", () => {
    expect(
      parseSqueue("4|2|RUNNING|vm|labgate-1-2\n4|3|PENDING||labgate-1-2\n7|N/A|RUNNING|vm|other\n"),
    ).toEqual([
      { arrayJobId: "4", index: 2, state: "RUNNING", node: "vm", name: "labgate-1-2" },
      { arrayJobId: "4", index: 3, state: "PENDING", node: null, name: "labgate-1-2" },
    ]);
  });

  it("sacct: tasks, ranges of pending tasks, 'CANCELLED by N'", () => {
    expect(
      parseSacct(
        "12_0|COMPLETED|n1|labgate-a\n12_1|CANCELLED by 0|n2|labgate-a\n12_[2-3,5%2]|PENDING|None assigned|labgate-a\n13|COMPLETED|n1|plain\n",
      ).map((r) => [r.arrayJobId, r.index, r.state, r.node]),
    ).toEqual([
      ["12", 0, "COMPLETED", "n1"],
      ["12", 1, "CANCELLED", "n2"],
      ["12", 2, "PENDING", null],
      ["12", 3, "PENDING", null],
      ["12", 5, "PENDING", null],
    ]);
  });
});

describe("config: a runner pool with executor: slurm", () => {
  it("takes the pool's slurm options, with defaults", () => {
    const c = Config.parse({
      runner_pools: [
        {
          name: "cluster",
          labels: ["self-hosted", "slurm"],
          executor: "slurm",
          slurm: { partition: "gpu", gres: "gpu:a100:1", extra_args: ["--constraint=a100"] },
        },
      ],
    });
    expect(c.runner_pools[0]?.executor).toBe("slurm");
    expect(c.runner_pools[0]?.slurm).toMatchObject({
      partition: "gpu",
      cpus_per_task: 1,
      max_concurrent: 64,
      max_array_size: 1000,
      min_time_minutes: 10,
    });
  });

  it("refuses extra_args that set what labgate sets itself, naming the field and the fix", () => {
    const r = Config.safeParse({
      runner_pools: [
        { name: "c", labels: ["x"], executor: "slurm", slurm: { extra_args: ["--export=ALL"] } },
      ],
    });
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(["runner_pools", 0, "slurm", "extra_args", 0]);
    expect(issue?.message).toContain("remove it from extra_args");
  });

  it("refuses an unknown executor", () => {
    expect(
      Config.safeParse({ runner_pools: [{ name: "c", labels: ["x"], executor: "pbs" }] }).success,
    ).toBe(false);
  });
});

describe("which executor runs the runs", () => {
  const config = Config.parse({
    runner_pools: [
      { name: "cluster", labels: ["self-hosted", "slurm"], executor: "slurm", gpus_per_machine: 4 },
      { name: "box", labels: ["self-hosted", "gpu"] },
    ],
  });
  const run = (id: string, runsOn: string[]) =>
    ({ run_id: id, runs_on: runsOn, vram_mb: 1000 }) as unknown as PlannedRun;

  it("slurm when every run is planned on a pool with executor: slurm, with that pool's options", () => {
    const choice = chooseExecutor([run("a_s1", ["slurm"]), run("a_s2", ["slurm"])], config, {});
    expect(choice.kind).toBe("slurm");
    if (choice.kind !== "slurm") return;
    expect(choice.poolOf.get("a_s1")).toMatchObject({
      name: "cluster",
      options: { cpus_per_task: 1 },
    });
  });

  it("local when none is, or when LABGATE_EXECUTOR=local", () => {
    expect(chooseExecutor([run("b_s1", ["gpu"])], config, {}).kind).toBe("local");
    expect(
      chooseExecutor([run("a_s1", ["slurm"])], config, { LABGATE_EXECUTOR: "local" }).kind,
    ).toBe("local");
  });

  it("refuses runs of both kinds in one labgate run, saying how to split them", () => {
    const choice = chooseExecutor([run("a_s1", ["slurm"]), run("b_s1", ["gpu"])], config, {});
    expect(choice).toEqual({
      kind: "refused",
      message:
        '1 run(s) go to runner pool "cluster" (executor: slurm) and 1 (e.g. b_s1) to a pool that runs them here: run them separately with --only or --shard, or set LABGATE_EXECUTOR=local to run all of them here',
    });
  });
});
