import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PilotRunResult } from "../../src/core/gates/pilot/pilot-run-result.js";
import type { PilotSynthesis } from "../../src/core/gates/pilot/pilot-synthesis.js";
import { renderVerdictMarkdown } from "../../src/core/gates/render-verdict-markdown.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const DEFS = readFileSync(new URL("../../experiments/definitions.json", import.meta.url), "utf8");
const BC = "pilot-fusion-modes-breast-cancer__fusion";
const RUNS: Record<string, [string, string, string, number]> = {
  "pilot-fusion-iris_s1": ["pilot-fusion-iris", "fusion", "iris", 1],
  "pilot-logreg-penguins_s1": ["pilot-logreg-penguins", "logreg", "penguins", 2],
  "pilot-fusion-penguins_s1": ["pilot-fusion-penguins", "fusion", "penguins", 2],
  [`${BC}-score_s1`]: ["pilot-fusion-modes-breast-cancer", "fusion", "breast-cancer", 3],
  [`${BC}-rank_s1`]: ["pilot-fusion-modes-breast-cancer", "fusion", "breast-cancer", 3],
  [`${BC}-both_s1`]: ["pilot-fusion-modes-breast-cancer", "fusion", "breast-cancer", 3],
};

/** A pilot result of the example campaign: `done` with an accuracy, or another status with a reason. */
function run(
  id: string,
  accuracyOrStatus: number | string,
  reason: string | null = null,
): PilotRunResult {
  const [exp_id, method, dataset, stage] = RUNS[id] ?? ["?", "?", "?", 1];
  const done = typeof accuracyOrStatus === "number";
  return {
    run_id: id,
    exp_id,
    variant_id: id.replace(/_s1$/, ""),
    method,
    dataset,
    stage,
    status: done ? "done" : accuracyOrStatus,
    reason,
    metrics: done ? { accuracy: accuracyOrStatus, f1: 0.5 } : {},
  };
}

const ALL_PASS = [
  run("pilot-fusion-iris_s1", 0.93),
  run("pilot-logreg-penguins_s1", 0.95),
  run("pilot-fusion-penguins_s1", 0.97),
  run(`${BC}-score_s1`, 0.94),
  run(`${BC}-rank_s1`, 0.95),
  run(`${BC}-both_s1`, 0.96),
];

async function pilot(
  results: PilotRunResult[] | undefined,
  config?: string,
  extra: Record<string, string> = {},
) {
  const files: Record<string, string> = { "experiments/definitions.json": DEFS, ...extra };
  if (config) files[".github/labgate.yml"] = config;
  const { verdicts } = await reviewGates({
    workspace: memoryWorkspace(files),
    only: ["pilot"],
    dryRun: "skip",
    ...(results ? { pilotResults: results } : {}),
  });
  const v = one(verdicts);
  return { v, s: v.details as PilotSynthesis };
}

describe("pilot gate", () => {
  it("is PENDING (neutral) with no results, and while finished runs all passed", async () => {
    const none = await pilot([]);
    expect(none.v).toMatchObject({
      conclusion: "neutral",
      label: "PENDING",
      summary: "6 pilot runs: 0 passed, 0 failed, 6 not finished",
    });
    const stage1 = await pilot([run("pilot-fusion-iris_s1", 0.93)]);
    expect(stage1.v).toMatchObject({ conclusion: "neutral", label: "PENDING" });
    expect(stage1.s.rule).toBe("1 of 6 pilot runs finished, all passed; waiting for the rest");
  });

  it("PROCEEDs when every run passed, with the best result per dataset and its delta vs baseline", async () => {
    const { v, s } = await pilot(ALL_PASS);
    expect(v).toMatchObject({ conclusion: "success", label: "PROCEED" });
    expect(s.rule).toBe(
      "all 6 pilot runs finished and the pass rate 100% meets gates.pilot.proceed_min_pass_rate (100%)",
    );
    expect(s.best).toEqual([
      {
        dataset: "iris",
        metric: "accuracy",
        direction: "higher",
        run_id: "pilot-fusion-iris_s1",
        method: "fusion",
        value: 0.93,
      },
      {
        dataset: "penguins",
        metric: "accuracy",
        direction: "higher",
        run_id: "pilot-fusion-penguins_s1",
        method: "fusion",
        value: 0.97,
        baseline: { method: "logreg", value: 0.95, source: "pilot runs" },
        delta: expect.closeTo(0.02, 10),
        change: "better",
      },
      expect.objectContaining({ dataset: "breast-cancer", run_id: `${BC}-both_s1`, value: 0.96 }),
    ]);
    expect(renderVerdictMarkdown(v)).toMatchSnapshot();
  });

  it("ROLLBACKs when stage 1 fails its criterion", async () => {
    const { v, s } = await pilot([run("pilot-fusion-iris_s1", 0.41)]);
    expect(v).toMatchObject({ conclusion: "failure", label: "ROLLBACK" });
    expect(s.rule).toBe("pass rate 0% is below gates.pilot.rollback_max_pass_rate (50%)");
    expect(s.failures).toEqual([
      { why: "criterion not met (accuracy 0.41 < min 0.8)", runs: ["pilot-fusion-iris_s1"] },
    ]);
  });

  it("ITERATEs when a stage-2 run misses its criterion and stage 3 never ran", async () => {
    const { v, s } = await pilot([
      run("pilot-fusion-iris_s1", 0.93),
      run("pilot-logreg-penguins_s1", 0.95),
      run("pilot-fusion-penguins_s1", 0.84),
    ]);
    expect(v).toMatchObject({
      conclusion: "failure",
      label: "ITERATE",
      summary: "6 pilot runs: 2 passed, 1 failed, 3 not finished (67% pass)",
    });
    expect(s.rule).toMatch(/^1 run\(s\) failed and 3 did not run/);
    expect(v.reasons.map((r) => r.message)).toEqual([
      expect.stringMatching(/^ITERATE: /),
      "1 run(s) failed: criterion not met (accuracy 0.84 < min 0.85) — pilot-fusion-penguins_s1",
    ]);
  });

  it("groups failures by reason (out-of-memory twice, a timeout once)", async () => {
    const { s } = await pilot([
      run("pilot-fusion-iris_s1", 0.93),
      run("pilot-logreg-penguins_s1", 0.95),
      run("pilot-fusion-penguins_s1", 0.96),
      run(`${BC}-score_s1`, "failed", "out-of-memory"),
      run(`${BC}-rank_s1`, "failed", "out-of-memory"),
      run(`${BC}-both_s1`, "on_hold", "ran past 2 x expected_duration_hours"),
    ]);
    expect(s.failures).toEqual([
      { why: "failed: out-of-memory", runs: [`${BC}-score_s1`, `${BC}-rank_s1`] },
      { why: "on_hold: ran past 2 x expected_duration_hours", runs: [`${BC}-both_s1`] },
    ]);
    expect(s.recommendation).toBe("ITERATE");
  });

  it("shows a failure group's real reason, not one with its digits blanked (exit 1 ... _s1, not exit N ... _sN)", async () => {
    const { s } = await pilot([
      run("pilot-fusion-iris_s1", 0.93),
      run("pilot-logreg-penguins_s1", 0.95),
      run("pilot-fusion-penguins_s1", 0.96),
      run(`${BC}-score_s1`, "failed", "exit 1: cannot open /tmp/ckpt_pilot-lstm-a_s1"),
      run(`${BC}-rank_s1`, "failed", "exit 1: cannot open /tmp/ckpt_pilot-lstm-a_s2"),
    ]);
    expect(s.failures).toEqual([
      {
        why: "failed: exit 1: cannot open /tmp/ckpt_pilot-lstm-a_s1",
        runs: [`${BC}-score_s1`, `${BC}-rank_s1`],
      },
    ]);
  });

  describe("thresholds from .github/labgate.yml, both sides", () => {
    const failing = (n: number) =>
      ALL_PASS.map((r, i) => (i >= ALL_PASS.length - n ? { ...r, metrics: { accuracy: 0.5 } } : r));

    it("proceed_min_pass_rate 0.8: 5/6 PROCEEDs, 4/6 ITERATEs", async () => {
      const config = "gates:\n  pilot:\n    proceed_min_pass_rate: 0.8\n";
      expect((await pilot(failing(1), config)).v.label).toBe("PROCEED");
      expect((await pilot(failing(2), config)).v.label).toBe("ITERATE");
    });

    it("rollback_max_pass_rate 0.5: 3/6 ITERATEs, 2/6 ROLLBACKs", async () => {
      expect((await pilot(failing(3))).v.label).toBe("ITERATE");
      const r = await pilot(failing(4));
      expect(r.v.label).toBe("ROLLBACK");
      expect(r.s.rule).toBe("pass rate 33% is below gates.pilot.rollback_max_pass_rate (50%)");
    });
  });

  it("reads dispatch/state.json and the result files through the workspace; archived pilots do not count", async () => {
    const entry = (id: string, status: string, extra: Record<string, unknown> = {}) => {
      const [exp_id, method, dataset, stage] = RUNS[id] ?? ["?", "?", "?", 1];
      return {
        id,
        exp_id,
        phase: "pilot",
        stage,
        method,
        dataset,
        params: {},
        seed: 1,
        command: "x",
        status,
        checkpoint_dir: "/tmp/c",
        result_file: `experiments/results/runs/${id}.json`,
        expected_duration_hours: 0.05,
        vram_mb: 1024,
        ...extra,
      };
    };
    const state = {
      project: "fusion-tabular",
      updated: "2026-01-01T00:00:00Z",
      experiments: [
        entry("pilot-fusion-iris_s1", "done"),
        entry("pilot-logreg-penguins_s1", "failed", {
          reason: "exit code 1",
          phase: "pilot (archived)",
        }),
        entry("pilot-logreg-penguins_s1", "running"),
      ],
    };
    const { v, s } = await pilot(undefined, undefined, {
      "dispatch/state.json": JSON.stringify(state),
      "experiments/results/runs/pilot-fusion-iris_s1.json": JSON.stringify({
        metrics: { accuracy: 0.91 },
        meta: {},
      }),
    });
    expect(s.rows.slice(0, 2).map((r) => [r.run_id, r.status, r.value, r.passed])).toEqual([
      ["pilot-fusion-iris_s1", "done", 0.91, true],
      ["pilot-logreg-penguins_s1", "running", null, false],
    ]);
    expect(v.label).toBe("PENDING");
  });

  it("after a full dispatch archived the pilots, judges the archived ones instead of going PENDING", async () => {
    const archived = Object.keys(RUNS).map((id) => {
      const [exp_id, method, dataset, stage] = RUNS[id] as [string, string, string, number];
      return {
        id,
        exp_id,
        phase: "pilot (archived)",
        stage,
        method,
        dataset,
        params: {},
        seed: 1,
        command: "x",
        status: "done",
        checkpoint_dir: "/tmp/c",
        result_file: `experiments/results/runs/${id}.json`,
        expected_duration_hours: 0.05,
        vram_mb: 1024,
      };
    });
    const full = {
      ...archived[0],
      id: "full-logreg-iris_s1",
      exp_id: "full-logreg-iris",
      phase: "full",
      stage: null,
    };
    const files: Record<string, string> = {
      "dispatch/state.json": JSON.stringify({
        project: "fusion-tabular",
        updated: "2026-01-01T00:00:00Z",
        experiments: [...archived, full],
      }),
    };
    for (const id of Object.keys(RUNS))
      files[`experiments/results/runs/${id}.json`] = JSON.stringify({
        metrics: { accuracy: 0.97 },
        meta: {},
      });
    const { v, s } = await pilot(undefined, undefined, files);
    expect(s.rows.map((r) => r.run_id).sort()).toEqual(Object.keys(RUNS).sort());
    expect(v.label).toBe("PROCEED");
  });

  it("a malformed dispatch/state.json is a blocking reason naming the file, not 'no results'", async () => {
    const { v } = await pilot(undefined, undefined, { "dispatch/state.json": "{ oops" });
    expect(v.reasons[0]).toMatchObject({
      severity: "blocking",
      file: "dispatch/state.json",
      message: expect.stringMatching(
        /^dispatch\/state\.json.*not valid JSON.*restore it from the last commit/,
      ),
    });
  });
});
