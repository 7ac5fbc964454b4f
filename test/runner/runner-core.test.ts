import { describe, expect, it } from "vitest";
import { fail } from "../../src/core/failure/failure.js";
import { metricDirection, pilotPass, type RunMetrics } from "../../src/core/results/pilot-pass.js";
import { type AttemptOutcome, classifyOutcome } from "../../src/core/runner/classify-outcome.js";
import { earlyStopDecision } from "../../src/core/runner/early-stop.js";
import { measuredHoursByExperiment } from "../../src/core/runner/measured-hours.js";
import { pickStarts } from "../../src/core/runner/pick-starts.js";
import {
  commandFileCandidates,
  scriptSupportsResume,
  withResume,
} from "../../src/core/runner/resume-argv.js";
import { runIdMatcher } from "../../src/core/runner/run-glob.js";
import { campaignSteps } from "../../src/core/runner/stage-gate.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";

const exited = (o: Partial<AttemptOutcome>): AttemptOutcome => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  logTail: "",
  spawnError: null,
  ...o,
});

describe("classifyOutcome", () => {
  it("names each failure with a one-line reason", () => {
    const ok = { kind: "ok" } as const;
    expect(classifyOutcome(exited({}), ok)).toEqual({ status: "done", kind: null, reason: null });
    expect(
      classifyOutcome(exited({ exitCode: null, signal: "SIGTERM", cancelled: true }), ok).status,
    ).toBe("cancelled");
    expect(
      classifyOutcome(exited({ exitCode: null, signal: "SIGTERM", timedOut: true }), ok).status,
    ).toBe("on_hold");
    expect(classifyOutcome(exited({ exitCode: null, signal: "SIGSEGV" }), ok).reason).toBe(
      "signal: killed by SIGSEGV",
    );
    expect(classifyOutcome(exited({ exitCode: 137 }), ok).kind).toBe("out-of-memory");
    expect(
      classifyOutcome(
        exited({
          exitCode: 1,
          logTail: "step 3\ntorch.OutOfMemoryError: CUDA out of memory. Tried\nbye\n",
        }),
        ok,
      ).reason,
    ).toBe("out-of-memory: torch.OutOfMemoryError: CUDA out of memory. Tried");
    expect(
      classifyOutcome(exited({ exitCode: 2, logTail: "a\nusage: bad flag\n\n" }), ok).reason,
    ).toBe("exit 2: usage: bad flag");
    expect(classifyOutcome(exited({}), { kind: "missing" }).kind).toBe("no-result");
    expect(
      classifyOutcome(exited({}), { kind: "invalid", message: "x.json: not JSON\nmore" }).reason,
    ).toBe("invalid-result: x.json: not JSON");
    expect(
      classifyOutcome(
        exited({ exitCode: null, spawnError: fail("spawn-error", "spawn nope ENOENT") }),
        ok,
      ).reason,
    ).toBe("could not start: spawn nope ENOENT");
  });

  it("keeps reasons to one short line", () => {
    const r = classifyOutcome(exited({ exitCode: 1, logTail: `${"y".repeat(500)}\n` }), {
      kind: "ok",
    });
    expect(r.reason?.length).toBeLessThanOrEqual(210);
    expect(r.reason).not.toContain("\n");
  });
});

describe("resume and command files", () => {
  it("appends --resume once, only when the script supports it", () => {
    expect(withResume(["python3", "t.py"], true)).toEqual(["python3", "t.py", "--resume"]);
    expect(withResume(["python3", "t.py", "--resume"], true)).toEqual([
      "python3",
      "t.py",
      "--resume",
    ]);
    expect(withResume(["python3", "t.py"], false)).toEqual(["python3", "t.py"]);
    expect(scriptSupportsResume('p.add_argument("--resume", action="store_true")')).toBe(true);
    expect(scriptSupportsResume('p.add_argument("--resume-from")')).toBe(false);
  });

  it("finds the scripts a command runs, not programs on PATH or placeholders", () => {
    expect(
      commandFileCandidates([
        "python3",
        "experiments/scripts/train.py",
        "--seed",
        "{seed}",
        "{result_file}",
      ]),
    ).toEqual(["experiments/scripts/train.py"]);
    expect(commandFileCandidates(["./run.sh", "--x"])).toEqual(["./run.sh"]);
    expect(commandFileCandidates(["bash", "go.sh"])).toEqual(["go.sh"]);
  });
});

describe("earlyStopDecision", () => {
  const rule = { metric: "accuracy", below: 0.5, min_runs: 2 };
  it("waits for min_runs, then compares the mean", () => {
    expect(earlyStopDecision(rule, [{ accuracy: 0.1 }]).stop).toBe(false);
    expect(earlyStopDecision(rule, [{ accuracy: 0.1 }, { accuracy: 0.3 }])).toEqual({
      stop: true,
      reason: "early stop: mean accuracy 0.2 < 0.5 over 2 runs",
    });
    expect(earlyStopDecision(rule, [{ accuracy: 0.1 }, { accuracy: 0.95 }]).stop).toBe(false);
    expect(earlyStopDecision({ metric: "loss", above: 3, min_runs: 1 }, [{ loss: 4 }]).stop).toBe(
      true,
    );
    expect(earlyStopDecision(undefined, [{ accuracy: 0 }]).stop).toBe(false);
  });
});

describe("pilotPass", () => {
  const run = (o: Partial<RunMetrics>): RunMetrics => ({
    run_id: "r",
    method: "ours",
    dataset: "toy",
    phase: "pilot",
    status: "done",
    metrics: { accuracy: 0.8 },
    ...o,
  });
  it("needs done, then the criterion", () => {
    expect(pilotPass(run({ status: "failed" }), undefined, { peers: [] }).pass).toBe(false);
    expect(pilotPass(run({}), undefined, { peers: [] }).pass).toBe(true);
    expect(pilotPass(run({}), { metric: "accuracy", min: 0.9 }, { peers: [] })).toEqual({
      pass: false,
      reason: "accuracy 0.8 < min 0.9",
    });
    expect(pilotPass(run({}), { metric: "loss", max: 1 }, { peers: [] }).reason).toBe(
      'its result has no metric "loss"',
    );
  });

  it("beats_baseline compares with the baseline's runs on the same dataset, in the metric's direction", () => {
    const peers = [
      run({ run_id: "b1", method: "base", metrics: { accuracy: 0.7 } }),
      run({ run_id: "b2", method: "base", metrics: { accuracy: 0.75 } }),
      run({ run_id: "b3", method: "base", dataset: "other", metrics: { accuracy: 0.99 } }),
    ];
    const c = { metric: "accuracy", beats_baseline: true as const };
    expect(pilotPass(run({}), c, { peers, baselineMethod: "base" })).toEqual({
      pass: true,
      reason: "accuracy 0.8 > base mean 0.725 (2 runs)",
    });
    expect(pilotPass(run({}), c, { peers, baselineMethod: "base", direction: "lower" }).pass).toBe(
      false,
    );
    expect(pilotPass(run({ dataset: "none" }), c, { peers, baselineMethod: "base" }).pass).toBe(
      false,
    );
    expect(pilotPass(run({}), c, { peers }).pass).toBe(false);
  });

  it("reads a metric's direction from the hypotheses", () => {
    const defs = {
      hypotheses: [
        { id: "H1", claim: "c", metric: "loss", direction: "lower" as const },
        { id: "H2", claim: "c", metric: "accuracy", direction: "higher" as const },
      ],
    };
    expect(metricDirection(defs, "loss")).toBe("lower");
    expect(metricDirection(defs, "accuracy", ["H2"])).toBe("higher");
    expect(metricDirection(defs, "f1")).toBe("higher");
  });
});

describe("pickStarts", () => {
  const req = (id: string, vram_mb: number, expected_hours = 1) => ({
    id,
    vram_mb,
    expected_hours,
  });
  it("fills CPU slots longest first when there are no GPUs", () => {
    const d = pickStarts({
      pending: [req("a", 0, 1), req("b", 0, 3), req("c", 0, 2)],
      gpus: null,
      cpuSlotsFree: 2,
    });
    expect(d.start.map((s) => s.id)).toEqual(["b", "c"]);
  });
  it("packs GPU runs by free memory and never overcommits", () => {
    const gpus = [{ index: 0, total_mb: 10_000, free_mb: 10_000 }];
    const d = pickStarts({
      pending: [req("a", 4000), req("b", 4000), req("c", 4000), req("z", 9000), req("cpu", 0)],
      gpus,
      cpuSlotsFree: 1,
    });
    expect(d.start.map((s) => s.id).sort()).toEqual(["a", "b", "cpu"]);
    expect(d.start.find((s) => s.id === "cpu")?.gpu).toBeNull();
    expect(d.never).toEqual(["z"]);
  });
  it("honours a cap on concurrent runs", () => {
    const gpus = [{ index: 0, total_mb: 100_000, free_mb: 100_000 }];
    expect(
      pickStarts({ pending: [req("a", 10), req("b", 10)], gpus, cpuSlotsFree: 0, capFree: 1 })
        .start,
    ).toHaveLength(1);
  });
});

describe("small pieces", () => {
  it("matches run ids with globs", () => {
    const m = runIdMatcher("full-knn-*_s1,pilot-?");
    expect(m("full-knn-iris__k-3_s1")).toBe(true);
    expect(m("full-knn-iris__k-3_s2")).toBe(false);
    expect(m("pilot-a")).toBe(true);
    expect(runIdMatcher("a.b")("aXb")).toBe(false);
  });
  it("orders pilot stages then full", () => {
    expect(
      campaignSteps([
        { phase: "full", stage: null },
        { phase: "pilot", stage: 3 },
        { phase: "pilot", stage: 1 },
      ]).map((s) => s.label),
    ).toEqual(["pilot stage 1", "pilot stage 3", "full"]);
  });
  it("averages measured durations of done runs per experiment", () => {
    const e = (exp_id: string, status: string, duration_hours: number | null) =>
      ({ exp_id, status, duration_hours }) as unknown as StateEntry;
    const m = measuredHoursByExperiment([
      e("a", "done", 1),
      e("a", "done", 3),
      e("a", "failed", 9),
      e("b", "done", null),
    ]);
    expect([...m]).toEqual([["a", 2]]);
  });
});
