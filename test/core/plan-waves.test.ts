import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { expectedJobHours } from "../../src/core/plan/expected-job-hours.js";
import { type DispatchPlan, planDispatch, waveMatrix } from "../../src/core/plan/plan-dispatch.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

/** A campaign of `methods` x `datasets` experiments, each with `seeds` seeds of `hours` hours. */
function campaign(methods: number, datasets: number, seeds: number, hours: number, vram: number) {
  const d = validDefinitions();
  d.methods = Array.from({ length: methods }, (_, i) => ({
    id: `m${i}`,
    label: `M${i}`,
    group: i === 0 ? "baseline" : "ours",
  }));
  d.datasets = Array.from({ length: datasets }, (_, i) => ({
    id: `d${i}`,
    label: `D${i}`,
    metric: "accuracy",
  }));
  d.defaults.expected_duration_hours = hours;
  d.defaults.vram_mb = vram;
  d.defaults.seeds = Array.from({ length: seeds }, (_, i) => i + 1);
  d.experiments = [];
  for (let m = 0; m < methods; m++)
    for (let s = 0; s < datasets; s++)
      d.experiments.push({
        id: `full-m${m}-d${s}`,
        phase: "full",
        method: `m${m}`,
        dataset: `d${s}`,
      });
  const r = validateDefinitions("d.json", asText(d));
  if (!r.loaded) throw new Error(JSON.stringify(r.diagnostics));
  return r.loaded;
}

const plan = (loaded: ReturnType<typeof campaign>, config: Config): DispatchPlan => {
  const r = planDispatch({ experiments: loaded.experiments, config, tmpDir: "/t" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
};

/** Each shard's job, as the runner would pack it on one machine of its pool. */
function jobHours(p: DispatchPlan, config: Config): number[] {
  return p.matrix.include.map((e) => {
    const pool = config.runner_pools.find((x) => x.name === e.pool);
    if (!pool) throw new Error(e.pool);
    return expectedJobHours(
      p.runs.filter((_, i) => p.shardOf[i] === e.shard),
      pool,
    );
  });
}

/** Every run is in exactly one shard of exactly one wave. */
function expectEachRunOnce(p: DispatchPlan) {
  const shardsInWaves = p.waves.flatMap((w) => w.shards);
  expect(new Set(shardsInWaves).size).toBe(shardsInWaves.length);
  expect([...shardsInWaves].sort((a, b) => a - b)).toEqual(p.matrix.include.map((e) => e.shard));
  const perWave = p.waves.map((w) => w.runs);
  expect(perWave.reduce((a, b) => a + b, 0)).toBe(p.runs.length);
  const counted = new Map<number, number>();
  for (const s of p.shardOf) counted.set(s, (counted.get(s) ?? 0) + 1);
  for (const e of p.matrix.include) expect(counted.get(e.shard)).toBe(e.runs);
}

describe("waves: shards within dispatch.max_job_hours", () => {
  it("defaults dispatch.max_job_hours to 40 and refuses over 100 (GitHub's 5-day job cap)", () => {
    expect(Config.parse({}).dispatch.max_job_hours).toBe(40);
    expect(Config.safeParse({ dispatch: { max_job_hours: 121 } }).success).toBe(false);
  });

  it("5 methods x 3 datasets x 3 seeds x 10 h on 8 GPUs (56 h) runs in 2 waves, each under 40 h", () => {
    const config = Config.parse({
      runner_pools: [
        {
          name: "dgx",
          labels: ["self-hosted", "gpu"],
          machines: 1,
          gpus_per_machine: 8,
          gpu_memory_mb: 81_920,
        },
      ],
    });
    // 40,000 MB x 1.2: one run per GPU, so the runner holds 8 at a time.
    const loaded = campaign(5, 3, 3, 10, 40_000);
    const p = plan(loaded, config);
    expect(p.runs).toHaveLength(45);
    expect(p.gpu_hours).toBe(450);
    // In one job: 45 runs on 8 GPUs take 6 rounds of 10 h.
    expect(expectedJobHours(p.runs, config.runner_pools[0] as never)).toBe(60);
    expect(p.waves).toHaveLength(2);
    expect(p.waves.map((w) => w.shards.length)).toEqual([1, 1]);
    for (const w of p.waves) expect(w.hours).toBeLessThanOrEqual(40);
    for (const h of jobHours(p, config)) expect(h).toBeLessThanOrEqual(40);
    expectEachRunOnce(p);
    expect(p.max_job_hours).toBe(40);
  });

  it("10,800 runs on two one-GPU machines: no job over 40 h, two shards a wave, every run once", () => {
    const config = Config.parse({
      runner_pools: [{ name: "gpu", labels: ["self-hosted", "gpu"], machines: 2 }],
    });
    // 4 x 3 experiments x 900 seeds x 0.37 h = 3,996 GPU-hours; 20,000 MB: one run per 24 GB GPU.
    const loaded = campaign(4, 3, 900, 0.37, 20_000);
    const p = plan(loaded, config);
    expect(p.runs).toHaveLength(10_800);
    expect(Math.round(p.gpu_hours)).toBe(3996);
    for (const h of jobHours(p, config)) expect(h).toBeLessThanOrEqual(40);
    for (const w of p.waves) {
      expect(w.shards.length).toBeLessThanOrEqual(2);
      expect(w.hours).toBeLessThanOrEqual(40);
    }
    // 3,996 h on 2 GPUs is at least 50 waves of 40 h; balanced shards need no more than a few extra.
    expect(p.waves.length).toBeGreaterThanOrEqual(50);
    expect(p.waves.length).toBeLessThanOrEqual(55);
    expectEachRunOnce(p);
  });

  it("keeps a campaign that fits in one job per machine in one wave, as before", () => {
    const config = Config.parse({
      runner_pools: [{ name: "g", labels: ["self-hosted", "gpu"], machines: 2 }],
    });
    const p = plan(campaign(2, 1, 3, 1, 8000), config);
    expect(p.waves).toHaveLength(1);
    expect(p.matrix.include).toHaveLength(2);
    expect(waveMatrix(p, 1)).toEqual(p.matrix);
    expect(waveMatrix(p, 2)).toBeUndefined();
  });

  it("follows a lower limit: dispatch.max_job_hours 10 on 8 GPUs gives 6 waves of one 8-run job", () => {
    const config = Config.parse({
      dispatch: { max_job_hours: 10 },
      runner_pools: [
        { name: "dgx", labels: ["self-hosted", "gpu"], gpus_per_machine: 8, gpu_memory_mb: 81_920 },
      ],
    });
    const p = plan(campaign(5, 3, 3, 10, 40_000), config);
    expect(p.waves).toHaveLength(6);
    for (const h of jobHours(p, config)) expect(h).toBe(10);
    const second = waveMatrix(p, 2);
    expect(second?.include.map((e) => e.shard)).toEqual(p.waves[1]?.shards);
    expect(second?.include.every((e) => e.shards === p.matrix.include.length)).toBe(true);
    expectEachRunOnce(p);
  });

  it("refuses a run longer than dispatch.max_job_hours, naming the experiment and the fix", () => {
    const config = Config.parse({});
    const loaded = campaign(2, 1, 1, 50, 8000);
    const r = planDispatch({
      experiments: loaded.experiments,
      config,
      tmpDir: "/t",
      locate: (i) => ({ file: "d.json", ...loaded.locate(["experiments", i]) }),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(2);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      file: "d.json",
      path: "experiments[id=full-m0-d0].expected_duration_hours",
      message:
        'one run of "full-m0-d0" is expected to take 50 h (declared), over dispatch.max_job_hours (40 h): a runner job cannot hold it',
    });
    expect(r.diagnostics[0]?.hint).toContain("dispatch.max_job_hours");
  });
});
