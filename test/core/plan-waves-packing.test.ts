import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { expectedJobHours } from "../../src/core/plan/expected-job-hours.js";
import { fitShards } from "../../src/core/plan/fit-shards.js";
import { type DispatchPlan, planDispatch } from "../../src/core/plan/plan-dispatch.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

/** `experiments` full experiments of `seeds` seeds, `hours` h and `vram` MB each. */
function campaign(experiments: number, seeds: number, hours: number, vram: number) {
  const d = validDefinitions();
  d.defaults.expected_duration_hours = hours;
  d.defaults.vram_mb = vram;
  d.defaults.seeds = Array.from({ length: seeds }, (_, i) => i + 1);
  d.experiments = Array.from({ length: experiments }, (_, i) => ({
    id: `full-${i}`,
    phase: "full",
    method: i === 0 ? "base" : "ours",
    dataset: "toy",
    ...(i > 1 ? { params: { k: [i] } } : {}),
  }));
  const r = validateDefinitions("d.json", asText(d));
  if (!r.loaded) throw new Error(JSON.stringify(r.diagnostics));
  return r.loaded;
}

const pools = (machines: number, gpus: number, maxJobHours: number) =>
  Config.parse({
    runner_pools: [
      {
        name: "gpu",
        labels: ["self-hosted", "gpu"],
        machines,
        gpus_per_machine: gpus,
        gpu_memory_mb: 24_576,
      },
    ],
    dispatch: { max_job_hours: maxJobHours },
  });

function plan(loaded: ReturnType<typeof campaign>, config: Config): DispatchPlan {
  const r = planDispatch({ experiments: loaded.experiments, config, tmpDir: "/t" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

function expectEachRunOnce(p: DispatchPlan) {
  const shards = p.waves.flatMap((w) => w.shards);
  expect([...shards].sort((a, b) => a - b)).toEqual(p.matrix.include.map((e) => e.shard));
  expect(p.waves.reduce((n, w) => n + w.runs, 0)).toBe(p.runs.length);
  const counted = new Map<number, number>();
  for (const s of p.shardOf) counted.set(s, (counted.get(s) ?? 0) + 1);
  for (const e of p.matrix.include) expect(counted.get(e.shard)).toBe(e.runs);
}

describe("waves: runs that share a GPU", () => {
  it("16 runs of 10 h, two per 24 GB GPU, on 1 machine x 2 GPUs with max_job_hours 40: one wave of 40 h, not two of 20", () => {
    // 10,000 MB x 1.2 = 12,000 MB: two runs per 24,576 MB GPU, four at a time on the machine.
    const config = pools(1, 2, 40);
    const p = plan(campaign(4, 4, 10, 10_000), config);
    expect(p.runs).toHaveLength(16);
    expect(p.waves.map((w) => [w.shards.length, w.runs, w.hours])).toEqual([[1, 16, 40]]);
    expectEachRunOnce(p);
  });

  it("one more run than a job holds makes a second wave, and no job is over the limit", () => {
    const config = pools(1, 2, 40);
    const p = plan(campaign(1, 17, 10, 10_000), config);
    expect(p.runs).toHaveLength(17);
    expect(p.waves).toHaveLength(2);
    for (const w of p.waves) expect(w.hours).toBeLessThanOrEqual(40);
    expectEachRunOnce(p);
  });

  it("fitShards finds the fewest shards whose packed jobs fit, for a range of campaigns", () => {
    const pool = { gpus_per_machine: 2, gpu_memory_mb: 24_576 };
    for (const [n, vram, limit] of [
      [16, 10_000, 40],
      [33, 10_000, 20],
      [50, 5_000, 30],
      [40, 20_000, 40],
      [24, 0, 25],
    ] as const) {
      const runs = Array.from({ length: n }, (_, i) => ({
        run_id: `r${i}`,
        phase: "full" as const,
        stage: null,
        vram_mb: vram,
        expected_duration_hours: 10,
      }));
      const fitted = fitShards(runs, pool, 1, limit);
      for (const h of fitted.jobHours) expect(h).toBeLessThanOrEqual(limit);
      // One shard fewer does not fit: balanced the same way, some job is over the limit.
      if (fitted.count > 1) {
        const fewer = fitShards(runs, pool, fitted.count - 1, Number.POSITIVE_INFINITY);
        expect(fewer.count).toBe(fitted.count - 1);
        expect(Math.max(...fewer.jobHours), `${n} runs of ${vram} MB, ${limit} h`).toBeGreaterThan(
          limit,
        );
      }
      const all = Array.from({ length: fitted.count }, (_, s) =>
        runs.filter((_, i) => fitted.assignment[i] === s),
      );
      expect(all.flat()).toHaveLength(n);
      all.forEach((members, s) => {
        expect(expectedJobHours(members, pool)).toBe(fitted.jobHours[s]);
      });
    }
  });
});
