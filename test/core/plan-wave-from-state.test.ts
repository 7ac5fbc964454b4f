import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { planDispatch, waveMatrix } from "../../src/core/plan/plan-dispatch.js";
import { planWave, type WavePlan } from "../../src/core/plan/plan-wave.js";
import type { PlannedRun } from "../../src/core/plan/planned-run.js";
import { stillToRun } from "../../src/core/plan/still-to-run.js";
import { decodeWaveRuns, encodeWaveRuns, waveShardRuns } from "../../src/core/plan/wave-runs.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { stateEntry } from "../helpers/state-fixture.js";

const SHA = "a".repeat(40);
const OLD = "b".repeat(40);
const HEAD = "c".repeat(40);

/** `experiments` full experiments of `seeds` seeds, each run `hours` long, one GPU each. */
function campaign(experiments: number, seeds: number, hours: number) {
  const d = validDefinitions();
  d.defaults.expected_duration_hours = hours;
  d.defaults.vram_mb = 0;
  d.defaults.seeds = Array.from({ length: seeds }, (_, i) => i + 1);
  d.experiments = Array.from({ length: experiments }, (_, i) => ({
    id: `full-e${i}`,
    phase: "full",
    method: "ours",
    dataset: "toy",
  }));
  const r = validateDefinitions("d.json", asText(d));
  if (!r.loaded) throw new Error(JSON.stringify(r.diagnostics));
  return r.loaded;
}

/** 2 machines of one GPU; a job holds at most `maxJobHours`. */
const config = (maxJobHours: number) =>
  Config.parse({
    runner_pools: [
      { name: "gpu", labels: ["self-hosted", "gpu"], machines: 2, gpu_memory_mb: 24_576 },
    ],
    dispatch: { max_job_hours: maxJobHours },
  });

function wave(
  loaded: ReturnType<typeof campaign>,
  cfg: Config,
  n: number,
  entries?: StateEntry[],
): WavePlan {
  const r = planWave({
    experiments: loaded.experiments,
    config: cfg,
    filter: { phase: "full" },
    tmpDir: "/t",
    sha: SHA,
    phase: "full",
    wave: n,
    ...(entries ? { state: { commit: HEAD, entries } } : {}),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.wave;
}

/** The run ids of each shard of the wave, as its run jobs find them from the hand-over. */
function handedOver(w: WavePlan, campaignRuns: readonly PlannedRun[] = w.campaign): string[][] {
  const decoded = decodeWaveRuns(encodeWaveRuns(w.handover));
  if (!decoded.ok) throw new Error(decoded.message);
  const shards = waveShardRuns(decoded.value, campaignRuns, { sha: SHA, phase: "full" });
  if (!shards.ok) throw new Error(shards.message);
  return shards.shards.map((runs) => runs.map((r) => r.run_id));
}

/** The entry a run of wave `n` left, as the aggregate commits it. */
function ended(id: string, status: StateEntry["status"], reason: string | null = null) {
  return stateEntry({ id, status, reason, git_commit: SHA });
}

describe("stillToRun: what a later wave plans", () => {
  const loaded = campaign(1, 8, 1);
  const runs = wave(loaded, config(100), 1).campaign;
  const id = (seed: number) => `full-e0_s${seed}`;

  it("skips runs that ended (done, failed after retries, stopped early, skipped) and keeps lost, interrupted and never-started ones", () => {
    const left = stillToRun(
      runs,
      [
        ended(id(1), "done"),
        ended(id(2), "failed", "exit code 3 after 1 retry"),
        ended(id(3), "cancelled", "early stop: mean accuracy 0.1 < 0.5 over 3 runs"),
        ended(id(4), "cancelled", "not run: pilot-ours did not pass"),
        ended(id(5), "failed", "shard lost"),
        ended(id(6), "cancelled", "cancelled: the job received SIGTERM"),
        ended(id(7), "running"),
      ],
      SHA,
    );
    expect(left.runs.map((r) => r.run_id)).toEqual([id(5), id(6), id(7), id(8)]);
    expect(left.finished).toBe(4);
    expect(left.again).toEqual([id(5), id(6)]);
  });

  it("counts a failure only of this campaign's commit, and a run done at any commit", () => {
    const left = stillToRun(
      runs,
      [
        { ...ended(id(1), "failed", "exit code 3"), git_commit: OLD },
        { ...ended(id(2), "done"), git_commit: OLD },
      ],
      SHA,
    );
    expect(left.runs.map((r) => r.run_id)).not.toContain(id(2));
    expect(left.runs.map((r) => r.run_id)).toContain(id(1));
  });
});

describe("planWave: each wave planned from what is still to run", () => {
  it("wave 1 is the first wave of the campaign's plan", () => {
    const loaded = campaign(2, 3, 0.01);
    const cfg = config(0.025);
    const w = wave(loaded, cfg, 1);
    const whole = planDispatch({
      experiments: loaded.experiments,
      config: cfg,
      filter: { phase: "full" },
      tmpDir: "/t",
    });
    if (!whole.ok) throw new Error("no plan");
    expect(w.waves).toBe(whole.plan.waves.length);
    expect(w.waves).toBe(2);
    const first = waveMatrix(whole.plan, 1)?.include ?? [];
    expect(w.matrix.include.map((e) => e.runs)).toEqual(first.map((e) => e.runs));
    expect(w.matrix.include.map((e) => e.shard)).toEqual([0, 1]);
    const inFirst = new Set(first.map((e) => e.shard));
    expect(handedOver(w).flat().sort()).toEqual(
      whole.plan.runs
        .filter((_, i) => inFirst.has(whole.plan.shardOf[i] as number))
        .map((r) => r.run_id)
        .sort(),
    );
  });

  it("wave 2 after a failed, an early-stopped and a lost run runs only the lost run and those never started", () => {
    // 12 runs of 0.01 h, 2 machines, at most 0.025 h a job: 4 runs a wave, 3 waves.
    const loaded = campaign(2, 6, 0.01);
    const cfg = config(0.025);
    const w1 = wave(loaded, cfg, 1);
    expect(w1.waves).toBe(3);
    const first = handedOver(w1).flat();
    expect(first).toHaveLength(4);
    const [failed, stopped, lost, done] = first as [string, string, string, string];
    const state = [
      ended(failed, "failed", "exit code 3 after 1 retry"),
      ended(stopped, "cancelled", "early stop: mean accuracy 0.1 < 0.5 over 3 runs"),
      ended(lost, "failed", "shard lost"),
      ended(done, "done"),
    ];
    const w2 = wave(loaded, cfg, 2, state);
    const second = handedOver(w2).flat();
    const neverStarted = w1.campaign.map((r) => r.run_id).filter((id) => !first.includes(id));
    // 9 still to run (8 never started + the lost one): 4 a wave, so 3 more waves in all.
    expect(w2.plan.runs.map((r) => r.run_id).sort()).toEqual([lost, ...neverStarted].sort());
    expect(second).toHaveLength(4);
    expect(second).not.toContain(failed);
    expect(second).not.toContain(stopped);
    expect(second).not.toContain(done);
    expect(w2.finished).toBe(3);
    expect(w2.again).toEqual([lost]);
    expect(w2.waves).toBe(1 + 3);
    expect(w2.handover).toMatchObject({ wave: 2, waves: 4, state_commit: HEAD });
  });

  it("covers every run of the campaign exactly once across the waves, a lost run once more", () => {
    const loaded = campaign(3, 7, 0.01);
    const cfg = config(0.025);
    const state: StateEntry[] = [];
    const ranIn = new Map<string, number[]>();
    let lostOne: string | undefined;
    let n = 1;
    for (; n <= 20; n++) {
      const w = wave(loaded, cfg, n, n > 1 ? state : undefined);
      const ids = handedOver(w).flat();
      if (ids.length === 0) break;
      expect(w.waves).toBeGreaterThanOrEqual(n);
      for (const id of ids) {
        ranIn.set(id, [...(ranIn.get(id) ?? []), n]);
        // The first run of wave 1 is lost once (its job killed), every other run ends.
        const lose = n === 1 && lostOne === undefined;
        if (lose) lostOne = id;
        const at = state.findIndex((e) => e.id === id);
        const entry = ended(id, lose ? "failed" : "done", lose ? "shard lost" : null);
        if (at >= 0) state[at] = entry;
        else state.push(entry);
      }
    }
    expect(n).toBeLessThan(20);
    const all = wave(loaded, cfg, 1).campaign.map((r) => r.run_id);
    expect([...ranIn.keys()].sort()).toEqual([...all].sort());
    for (const [id, waves] of ranIn) expect(waves, id).toHaveLength(id === lostOne ? 2 : 1);
    expect(state.every((e) => e.status === "done")).toBe(true);
  });

  it("uses the durations measured in earlier waves", () => {
    const loaded = campaign(1, 6, 0.01);
    const cfg = config(100);
    const w1 = wave(loaded, cfg, 1);
    const first = w1.campaign[0] as PlannedRun;
    const w2 = wave(loaded, cfg, 2, [
      stateEntry({
        id: first.run_id,
        exp_id: first.exp_id,
        status: "done",
        git_commit: SHA,
        duration_hours: 0.5,
      }),
    ]);
    expect(w2.plan.runs).toHaveLength(5);
    for (const r of w2.plan.runs) {
      expect(r.estimate_source).toBe("measured");
      expect(r.expected_duration_hours).toBe(0.5);
    }
  });

  it("plans nothing once every run has a final entry", () => {
    const loaded = campaign(1, 3, 0.01);
    const cfg = config(100);
    const all = wave(loaded, cfg, 1).campaign.map((r) => ended(r.run_id, "failed", "exit 1"));
    const w = wave(loaded, cfg, 2, all);
    expect(w.runs).toBe(0);
    expect(w.matrix.include).toEqual([]);
    expect(w.waves).toBe(1);
    expect(handedOver(w).flat()).toEqual([]);
  });
});

describe("the hand-over: run jobs find exactly the plan job's runs", () => {
  const loaded = campaign(2, 6, 0.01);
  const cfg = config(0.025);
  const w = wave(loaded, cfg, 2, [ended(`full-e0_s1`, "done")]);

  it("gives each shard the runs the plan assigned it, in a compact text", () => {
    const byPlan = w.matrix.include.map(() => [] as string[]);
    const index = new Map(w.plan.runs.map((r, i) => [r.run_id, i]));
    const first = new Set(w.plan.waves[0]?.shards);
    const renumbered = [...first];
    for (const r of w.campaign) {
      const i = index.get(r.run_id);
      if (i === undefined) continue;
      const s = w.plan.shardOf[i] as number;
      if (first.has(s)) byPlan[renumbered.indexOf(s)]?.push(r.run_id);
    }
    expect(handedOver(w)).toEqual(byPlan);
    expect(w.matrix.include.map((e) => e.runs)).toEqual(byPlan.map((ids) => ids.length));
    expect(encodeWaveRuns(w.handover).length).toBeLessThan(1000);
  });

  it("refuses a campaign other than the plan job's instead of running other runs", () => {
    const other = campaign(2, 5, 0.01);
    const otherRuns = wave(other, cfg, 1).campaign;
    expect(() => handedOver(w, otherRuns)).toThrow(/describes a campaign of 12 runs/);
    const renamed = w.campaign.map((r, i) => (i === 0 ? { ...r, run_id: "x_s1" } : r));
    expect(() => handedOver(w, renamed)).toThrow(/12 other runs/);
    const decoded = decodeWaveRuns(encodeWaveRuns(w.handover));
    if (!decoded.ok) throw new Error(decoded.message);
    const elsewhere = waveShardRuns(decoded.value, w.campaign, { sha: OLD, phase: "full" });
    expect(elsewhere).toMatchObject({ ok: false, code: "wave-runs-mismatch" });
  });

  it("rejects a hand-over that is not one, naming the input and the fix", () => {
    for (const text of ["not base64!", Buffer.from("{}").toString("base64")])
      expect(decodeWaveRuns(text)).toMatchObject({
        ok: false,
        code: "wave-runs-invalid",
        message: expect.stringContaining("needs.plan.outputs.wave-runs"),
      });
    const forged = { ...w.handover, assignment: w.handover.assignment.map(() => 9) };
    expect(decodeWaveRuns(encodeWaveRuns(forged))).toMatchObject({
      ok: false,
      message: expect.stringContaining("is in shard 8, but the wave has 2"),
    });
  });

  it("stays small for the issue's 10,800-run campaign", () => {
    const big = campaign(120, 90, 10);
    const bigCfg = Config.parse({
      runner_pools: [
        { name: "gpu", labels: ["self-hosted", "gpu"], machines: 64, gpu_memory_mb: 24_576 },
      ],
    });
    const w1 = wave(big, bigCfg, 1);
    expect(w1.campaign).toHaveLength(10_800);
    expect(w1.matrix.include).toHaveLength(64);
    expect(encodeWaveRuns(w1.handover).length).toBeLessThan(20_000);
    expect(handedOver(w1).flat()).toHaveLength(w1.runs);
  });
});
