import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { measuredGpuHours } from "../../src/core/budget/measured-gpu-hours.js";
import { waveBudgetRefusal } from "../../src/core/budget/wave-budget.js";
import type { PlannedRun } from "../../src/core/plan/planned-run.js";
import { LOST_TWICE_REASON, stillToRun } from "../../src/core/plan/still-to-run.js";
import { mergeSidecars } from "../../src/core/state/merge-sidecars.js";
import { collectShardSidecars } from "../../src/operations/action/collect-shard-sidecars.js";
import { stateEntry } from "../helpers/state-fixture.js";

const SHA = "a".repeat(40);
const run = (id: string, hours = 10): PlannedRun =>
  ({
    run_id: id,
    exp_id: "full-ours",
    variant_id: "full-ours",
    phase: "full",
    stage: null,
    method: "ours",
    dataset: "toy",
    params: {},
    seed: 1,
    vram_mb: 0,
    expected_duration_hours: hours,
    estimate_source: "declared",
    retries: 0,
    runs_on: [],
    checkpoint_dir: `/tmp/ckpt_${id}`,
    result_file: `experiments/results/runs/${id}.json`,
    experiment: { command: "python3 train.py" },
  }) as unknown as PlannedRun;

const lostEntry = (over: Parameters<typeof stateEntry>[0]) =>
  stateEntry({ status: "failed", reason: "shard lost", git_commit: SHA, ...over });

describe("a lost run is charged to the budget", () => {
  it("a shard-lost run with no times costs its planned estimate, so the next waves pause", () => {
    const lost = lostEntry({ id: "full-ours_s1", expected_duration_hours: 10 });
    expect(measuredGpuHours([lost], SHA)).toBe(10);
    const refusals = [2, 3].map((wave) =>
      waveBudgetRefusal({
        pr: 7,
        sha: SHA,
        phase: "full",
        wave,
        approvedGpuHours: 10,
        policyGpuHours: undefined,
        entries: [lost],
        waveGpuHours: 10,
      }),
    );
    expect(refusals.every((r) => r !== undefined)).toBe(true);
  });

  it("a lost run whose job ran longer than its estimate is charged the wall-clock its entry spans", () => {
    const lost = lostEntry({
      id: "full-ours_s1",
      expected_duration_hours: 10,
      started: "2026-01-01T00:00:00.000Z",
      finished: "2026-01-03T00:00:00.000Z",
    });
    expect(measuredGpuHours([lost], SHA)).toBe(48);
  });

  it("a run lost twice (failed for good) is still charged its estimate", () => {
    const lost = lostEntry({ id: "full-ours_s1", reason: LOST_TWICE_REASON });
    expect(measuredGpuHours([lost], SHA)).toBe(1);
  });

  it("a sidecar's duration_hours lowered by the experiment does not lower the charge below finished - started", () => {
    const done = stateEntry({
      id: "full-ours_s1",
      status: "done",
      git_commit: SHA,
      duration_hours: 0.01,
      started: "2026-01-01T00:00:00.000Z",
      finished: "2026-01-01T05:00:00.000Z",
    });
    expect(measuredGpuHours([done], SHA)).toBe(5);
    // and the other way round: a duration longer than the span counts as measured
    expect(measuredGpuHours([{ ...done, duration_hours: 6 }], SHA)).toBe(6);
  });

  it("a run done or failed with no time recorded is charged its estimate; one never started costs nothing", () => {
    const entries = [
      stateEntry({ id: "a_s1", status: "done", git_commit: SHA, expected_duration_hours: 2 }),
      stateEntry({ id: "b_s1", status: "failed", git_commit: SHA, expected_duration_hours: 3 }),
      stateEntry({
        id: "c_s1",
        status: "cancelled",
        reason: "cancelled: the job received SIGTERM",
        git_commit: SHA,
        expected_duration_hours: 4,
      }),
      stateEntry({
        id: "d_s1",
        status: "on_hold",
        reason: "not run: stage 1 did not pass",
        git_commit: SHA,
        expected_duration_hours: 5,
      }),
    ];
    expect(measuredGpuHours(entries, SHA)).toBe(5);
  });

  it("runs recorded at another commit, or in the pilot phase, are not charged to this approval", () => {
    expect(measuredGpuHours([lostEntry({ id: "x_s1", git_commit: "b".repeat(40) })], SHA)).toBe(0);
    expect(measuredGpuHours([lostEntry({ id: "x_s1", phase: "pilot" })], SHA)).toBe(0);
  });
});

describe("a run lost in two waves is not planned again", () => {
  it("lost once: planned again; lost again at the same approved commit: failed, not planned", () => {
    const first = lostEntry({ id: "full-ours_s1" });
    expect(stillToRun([run("full-ours_s1")], [first], SHA).again).toEqual(["full-ours_s1"]);
    const merged = mergeSidecars([first], [lostEntry({ id: "full-ours_s1" })]).entries;
    const entry = merged.get("full-ours_s1");
    expect(entry?.status).toBe("failed");
    expect(entry?.reason).toBe(LOST_TWICE_REASON);
    const left = stillToRun([run("full-ours_s1")], merged.values(), SHA);
    expect(left.runs).toEqual([]);
    expect(left.again).toEqual([]);
    expect(left.finished).toBe(1);
  });

  it("a run interrupted by a signal, then lost, is lost twice too", () => {
    const first = stateEntry({
      id: "full-ours_s1",
      status: "cancelled",
      reason: "cancelled: the job received SIGTERM",
      git_commit: SHA,
    });
    const merged = mergeSidecars([first], [lostEntry({ id: "full-ours_s1" })]).entries;
    expect(merged.get("full-ours_s1")?.reason).toBe(LOST_TWICE_REASON);
  });

  it("lost under another approved commit before: planned again (a new approval's first loss)", () => {
    const old = lostEntry({ id: "full-ours_s1", git_commit: "b".repeat(40) });
    const merged = mergeSidecars([old], [lostEntry({ id: "full-ours_s1" })]).entries;
    expect(merged.get("full-ours_s1")?.reason).toBe("shard lost");
    expect(stillToRun([run("full-ours_s1")], merged.values(), SHA).runs).toHaveLength(1);
  });

  it("a run done in the second wave after a loss is done", () => {
    const first = lostEntry({ id: "full-ours_s1" });
    const merged = mergeSidecars(
      [first],
      [{ id: "full-ours_s1", status: "done", git_commit: SHA, reason: null }],
    ).entries;
    expect(merged.get("full-ours_s1")?.status).toBe("done");
    expect(merged.get("full-ours_s1")?.reason).toBeNull();
  });
});

describe("collectShardSidecars: a lost run's entry carries what the budget charges", () => {
  const input = {
    dispatchDir: "dispatch",
    sha: SHA,
    runUrl: "https://github.com/o/r/actions/runs/1",
    clock: () => new Date("2026-01-03T00:00:00.000Z"),
    alreadyDone: new Set<string>(),
  };

  it("a shard that uploaded nothing: the plan's estimate, no times", async () => {
    const out = await collectShardSidecars(input, [
      { shard: 0, runs: [run("full-ours_s1", 7)], dir: undefined },
    ]);
    const [entry] = out.sidecars;
    expect(out.lost).toEqual(["full-ours_s1"]);
    expect(entry?.expected_duration_hours).toBe(7);
    expect(measuredGpuHours([{ ...stateEntry({ id: "full-ours_s1" }), ...entry }], SHA)).toBe(7);
  });

  it("a sidecar left `running` that rewrote its estimate to 0: the plan's estimate, and the span since it started", async () => {
    const dir = await mkdtemp(join(tmpdir(), "labgate-lost-"));
    await mkdir(join(dir, "dispatch"), { recursive: true });
    await writeFile(
      join(dir, "dispatch", "full-ours_s1.status.json"),
      JSON.stringify({
        id: "full-ours_s1",
        status: "running",
        started: "2026-01-01T00:00:00.000Z",
        expected_duration_hours: 0,
        duration_hours: 0.01,
      }),
    );
    const out = await collectShardSidecars(input, [
      { shard: 0, runs: [run("full-ours_s1", 7)], dir },
    ]);
    const [entry] = out.sidecars;
    expect(entry?.status).toBe("failed");
    expect(entry?.reason).toBe("shard lost");
    expect(entry?.expected_duration_hours).toBe(7);
    expect(measuredGpuHours([{ ...stateEntry({ id: "full-ours_s1" }), ...entry }], SHA)).toBe(48);
  });
});
