import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { allocateShards } from "../../src/core/plan/allocate-shards.js";
import { balanceShards, shardLoads } from "../../src/core/plan/balance-shards.js";
import { expandRuns } from "../../src/core/plan/expand-runs.js";
import { planDispatch } from "../../src/core/plan/plan-dispatch.js";
import { runId } from "../../src/core/plan/run-id.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

const load = (d = validDefinitions()) => {
  const r = validateDefinitions("d.json", asText(d));
  if (!r.loaded) throw new Error(JSON.stringify(r.diagnostics));
  return r.loaded;
};

describe("run ids and expansion", () => {
  it("builds ids exactly as docs/definitions.md", () => {
    expect(runId("exp", {}, 3)).toBe("exp_s3");
    expect(runId("exp", { lr: 0.001, opt: "adam w" }, 1)).toBe("exp__lr-0.001__opt-adam-w_s1");
  });

  it("expands params x seeds in declaration order, with default paths", () => {
    const runs = expandRuns(load().experiments, {
      tmpDir: "/tmp/",
      resultsDir: "experiments/results",
    });
    expect(runs.map((r) => r.run_id)).toEqual([
      "pilot-ours_s1",
      "full-base_s1",
      "full-base_s2",
      "full-base_s3",
      "full-ours__lr-0.1_s1",
      "full-ours__lr-0.1_s2",
      "full-ours__lr-0.1_s3",
      "full-ours__lr-0.01_s1",
      "full-ours__lr-0.01_s2",
      "full-ours__lr-0.01_s3",
    ]);
    const r = runs[4];
    expect(r).toMatchObject({
      variant_id: "full-ours__lr-0.1",
      params: { lr: 0.1 },
      seed: 1,
      stage: null,
      checkpoint_dir: "/tmp/ckpt_full-ours__lr-0.1_s1",
      result_file: "experiments/results/runs/full-ours__lr-0.1_s1.json",
    });
    expect(runs[0]?.stage).toBe(1);
  });
});

describe("planDispatch", () => {
  const config = (pools: unknown[], extra: object = {}) =>
    Config.parse({ runner_pools: pools, ...extra });

  it("filters by phase and stage and sums GPU-hours", () => {
    const loaded = load();
    const cfg = config([{ name: "g", labels: ["self-hosted", "gpu"], machines: 2 }]);
    const full = planDispatch({
      experiments: loaded.experiments,
      config: cfg,
      filter: { phase: "full" },
      tmpDir: "/t",
    });
    if (!full.ok) throw new Error("plan failed");
    expect(full.plan.runs).toHaveLength(9);
    expect(full.plan.gpu_hours).toBe(9);
    expect(full.plan.matrix.include.map((e) => e.runs)).toEqual([5, 4]);
    const pilot = planDispatch({
      experiments: loaded.experiments,
      config: cfg,
      filter: { phase: "pilot", stage: 1 },
      tmpDir: "/t",
    });
    expect(pilot.ok && pilot.plan.runs.map((r) => r.run_id)).toEqual(["pilot-ours_s1"]);
  });

  it("keeps pilots of several stages in one shard per pool, so stage gating sees every outcome", () => {
    const d = validDefinitions();
    d.experiments.push(
      { id: "pilot-base", phase: "pilot", stage: 1, method: "base", dataset: "toy", seeds: [1] },
      {
        id: "pilot-ours-2",
        phase: "pilot",
        stage: 2,
        method: "ours",
        dataset: "toy",
        seeds: [1, 2],
      },
    );
    const cfg = config([{ name: "g", labels: ["self-hosted", "gpu"], machines: 4 }]);
    const all = planDispatch({
      experiments: load(d).experiments,
      config: cfg,
      filter: { phase: "pilot" },
      tmpDir: "/t",
    });
    if (!all.ok) throw new Error("plan failed");
    expect(all.plan.matrix.include.map((e) => e.runs)).toEqual([4]);
    const one = planDispatch({
      experiments: load(d).experiments,
      config: cfg,
      filter: { phase: "pilot", stage: 2 },
      tmpDir: "/t",
    });
    if (!one.ok) throw new Error("plan failed");
    expect(one.plan.matrix.include.map((e) => e.runs)).toEqual([1, 1]);
  });

  it("names the experiment no pool can run, with its line", () => {
    const loaded = load();
    const cfg = config([{ name: "small", labels: ["self-hosted", "gpu"], gpu_memory_mb: 8000 }]);
    const r = planDispatch({
      experiments: loaded.experiments,
      config: cfg,
      tmpDir: "/t",
      locate: (i) => ({ file: "d.json", ...loaded.locate(["experiments", i]) }),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]?.message).toBe(
      'no runner pool can run "pilot-ours": it asks for labels [self-hosted, gpu] and 9600 MB free GPU memory (vram_mb x 1.2)',
    );
    expect(r.diagnostics[0]?.line).toBeGreaterThan(1);
  });

  it("never emits more than 256 shards and packs more runs per shard instead", () => {
    const d = validDefinitions();
    d.experiments = [
      {
        id: "big",
        phase: "full",
        method: "ours",
        dataset: "toy",
        seeds: Array.from({ length: 1000 }, (_, i) => i),
      },
    ];
    const cfg = config([
      { name: "a", labels: ["self-hosted", "gpu"], machines: 300 },
      { name: "b", labels: ["self-hosted", "gpu", "a100"], machines: 50 },
    ]);
    const r = planDispatch({ experiments: load(d).experiments, config: cfg, tmpDir: "/t" });
    if (!r.ok) throw new Error("plan failed");
    expect(r.plan.matrix.include).toHaveLength(256);
    expect(new Set(r.plan.matrix.include.map((e) => e.shard)).size).toBe(256);
    expect(r.plan.matrix.include.reduce((n, e) => n + e.runs, 0)).toBe(1000);
    expect(r.plan.matrix.include.every((e) => e.shards === 256)).toBe(true);
  });

  it("uses measured durations when given, and says so per run", () => {
    const loaded = load();
    const cfg = config([{ name: "g", labels: ["self-hosted", "gpu"] }]);
    const r = planDispatch({
      experiments: loaded.experiments,
      config: cfg,
      tmpDir: "/t",
      measuredHours: new Map([["full-base", 0.25]]),
    });
    if (!r.ok) throw new Error("plan failed");
    const base = r.plan.runs.filter((x) => x.exp_id === "full-base");
    expect(
      base.every((x) => x.expected_duration_hours === 0.25 && x.estimate_source === "measured"),
    ).toBe(true);
    expect(r.plan.gpu_hours).toBe(1 + 0.75 + 6);
  });
});

describe("balanceShards", () => {
  it("puts longest first on the lightest shard", () => {
    const a = balanceShards([5, 4, 3, 3, 2, 1], 2);
    expect(Array.from(shardLoads([5, 4, 3, 3, 2, 1], a, 2))).toEqual([9, 9]);
  });

  it("is deterministic and uses no more shards than items", () => {
    const hours = [1, 1, 1];
    expect(Array.from(balanceShards(hours, 10))).toEqual([0, 1, 2]);
    expect(Array.from(balanceShards(hours, 2))).toEqual(Array.from(balanceShards(hours, 2)));
  });

  it("balances a skewed workload to within 5% where the longest run allows", () => {
    let x = 7;
    const rand = () => {
      x = (x * 48271) % 2147483647;
      return x / 2147483647;
    };
    const hours = Array.from({ length: 5000 }, () =>
      Math.exp(Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())),
    );
    const loads = shardLoads(hours, balanceShards(hours, 64), 64);
    const mean = loads.reduce((a, b) => a + b, 0) / 64;
    expect(Math.max(...loads) / mean).toBeLessThan(1.05);
  });
});

describe("allocateShards", () => {
  it("keeps each pool's wish under the cap, else shares by hours with one each", () => {
    expect(allocateShards([2, 3], [1, 1], 256)).toEqual([2, 3]);
    expect(allocateShards([300, 50], [100, 1], 256)).toEqual([252, 4]);
    const out = allocateShards([300, 300], [1, 1], 256);
    expect(out.reduce((a, b) => a + b, 0)).toBe(256);
  });
});
