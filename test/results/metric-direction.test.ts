import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { directionsFrom } from "../../src/core/nightly/metric-direction.js";
import { type AggregatedRow, aggregateRows } from "../../src/core/results/aggregate-rows.js";
import { designTable } from "../../src/core/results/design-table.js";
import { formatDelta } from "../../src/core/results/format-delta.js";
import {
  changeOf,
  guessDirection,
  isBetter,
  metricSenses,
} from "../../src/core/results/metric-direction.js";
import { metricDirection, pilotPass, type RunMetrics } from "../../src/core/results/pilot-pass.js";
import { StatsAccumulator } from "../../src/core/results/stats-accumulator.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

const F = "experiments/definitions.json";

/** A design-table row, as aggregated.json holds it. */
function row(method: string, mean: number, over: Partial<AggregatedRow> = {}): AggregatedRow {
  return {
    exp_id: `${method}-ptb`,
    method,
    dataset: "ptb",
    metric: "valid_ppl",
    n: 3,
    mean,
    std: 1,
    min: mean - 1,
    max: mean + 1,
    best: false,
    delta_vs_baseline: null,
    baseline: null,
    group: method === "lstm-a" ? "baseline" : "ours",
    phase: "full",
    // An aggregated.json written by an older labgate: "higher" for valid_ppl, guessed wrong.
    direction: "higher",
    direction_source: "guessed",
    ci95_low: null,
    ci95_high: null,
    change: null,
    delta_ci95_low: null,
    delta_ci95_high: null,
    p_value: null,
    test: null,
    ...over,
  };
}

const ptb = {
  methods: [
    { id: "lstm-a", label: "LSTM", group: "baseline" as const },
    { id: "gru-a", label: "GRU", group: "ours" as const },
  ],
  datasets: [{ id: "ptb", label: "PTB", metric: "valid_ppl" }],
};

describe("a metric's direction: one rule", () => {
  it("guesses lower-is-better from the words of an undeclared metric's name", () => {
    for (const m of [
      "valid_ppl",
      "perplexity",
      "trainLoss",
      "val_loss",
      "top1_err",
      "test-error",
      "wer",
      "cer",
      "mae",
      "mse",
      "rmse",
      "fid",
      "latency_ms",
      "wall-time",
      "nll",
    ])
      expect([m, guessDirection(m)]).toEqual([m, "lower"]);
    for (const m of ["accuracy", "macro_f1", "bleu", "auc", "timesteps_per_s", "reward"])
      expect([m, guessDirection(m)]).toEqual([m, "higher"]);
  });

  it("the reported failure: gru-a's valid_ppl 766.2 is not bolded over lstm-a's 631.9", () => {
    // No declaration and no hypothesis on valid_ppl: the name says lower is better.
    const t = designTable([row("lstm-a", 631.9), row("gru-a", 766.2)], { ...ptb, hypotheses: [] });
    expect(t.cell("lstm-a", "ptb")?.best).toBe(true);
    expect(t.cell("gru-a", "ptb")?.best).toBe(false);
    expect(t.direction("valid_ppl")).toBe("lower");
  });

  it("an aggregated.json from before the CI columns still gives a table and a verdict, no 'undefined'", () => {
    const old = (r: AggregatedRow) => {
      const {
        ci95_low: _a,
        ci95_high: _b,
        change: _c,
        delta_ci95_low: _d,
        delta_ci95_high: _e,
        p_value: _f,
        test: _g,
        direction_source: _h,
        ...rest
      } = r;
      return rest as AggregatedRow;
    };
    const t = designTable(
      [
        old(row("lstm-a", 631.9, { exp_id: "lstm-ptb" })),
        old(
          row("gru-a", 766.2, { exp_id: "gru-ptb", delta_vs_baseline: 134.3, baseline: "lstm-a" }),
        ),
      ],
      {
        ...ptb,
        hypotheses: [
          { id: "H1", claim: "GRU is better", metric: "valid_ppl", direction: "lower" as const },
        ],
      },
      [{ id: "gru-ptb", hypotheses: ["H1"] }],
    );
    expect(t.cell("lstm-a", "ptb")?.best).toBe(true);
    expect(t.hypotheses).toEqual([
      expect.objectContaining({
        verdict: "inconclusive",
        evidence:
          "gru-a vs lstm-a on ptb: valid_ppl 766.2 vs 631.9, Δ +134.3 (worse), no CI in this aggregated.json (re-run `labgate aggregate`)",
      }),
    ]);
  });

  it("the reported failure through aggregation: valid_ppl named by no hypothesis, 766.2 not best (failed before: gru-a was bolded)", () => {
    const defs = {
      ...ptb,
      hypotheses: [
        { id: "H1", claim: "GRU is better", metric: "accuracy", direction: "higher" as const },
      ],
    };
    const acc = new StatsAccumulator();
    for (const [m, v] of [
      ["lstm-a", 631.9],
      ["gru-a", 766.2],
    ] as const)
      acc.add(
        `${m}-ptb`,
        { exp_id: `${m}-ptb`, phase: "full", method: m, dataset: "ptb" },
        "valid_ppl",
        v,
      );
    const rows = aggregateRows(acc, defs, []);
    expect(rows.map((r) => [r.method, r.best, r.direction, r.direction_source])).toEqual([
      ["lstm-a", true, "lower", "guessed"],
      ["gru-a", false, "lower", "guessed"],
    ]);
    const t = designTable(rows, defs);
    expect(t.cell("lstm-a", "ptb")?.best).toBe(true);
    expect(t.cell("gru-a", "ptb")?.best).toBe(false);
  });

  it("a declaration wins over a hypothesis and over the name; the source is reported", () => {
    const sense = metricSenses({
      metrics: { score_ppl: { direction: "higher", unit: "pts", label: "score" } },
      hypotheses: [
        { id: "H1", metric: "score_ppl", direction: "lower" },
        { id: "H2", metric: "bleu", direction: "lower" },
      ],
    });
    expect(sense("score_ppl")).toEqual({
      direction: "higher",
      source: "declared",
      label: "score",
      unit: "pts",
    });
    expect(sense("bleu")).toMatchObject({ direction: "lower", source: "hypothesis" });
    expect(sense("valid_ppl")).toMatchObject({ direction: "lower", source: "guessed" });
    expect(sense("accuracy")).toMatchObject({ direction: "higher", source: "guessed" });
  });

  it("declared lower: the design table, Δ, pilot pass and the nightly all agree", () => {
    const defs = {
      ...ptb,
      metrics: { valid_ppl: { direction: "lower" as const } },
      hypotheses: [
        { id: "H1", claim: "GRU is better", metric: "accuracy", direction: "higher" as const },
      ],
    };
    const t = designTable(
      [row("lstm-a", 631.9), row("gru-a", 540.3, { delta_vs_baseline: -91.6, baseline: "lstm-a" })],
      defs,
    );
    expect(t.cell("gru-a", "ptb")?.best).toBe(true);
    expect(formatDelta(-91.6, t.direction("valid_ppl"))).toBe("-91.6 (better)");
    expect(formatDelta(134.3, "lower")).toBe("+134.3 (worse)");
    expect(changeOf(0, "lower")).toBe("same");
    expect(isBetter(540.3, 631.9, "lower")).toBe(true);

    expect(metricDirection(defs, "valid_ppl")).toBe("lower");
    const peers: RunMetrics[] = [631, 632, 633].map((v, i) => ({
      run_id: `lstm_s${i}`,
      method: "lstm-a",
      dataset: "ptb",
      phase: "pilot",
      status: "done",
      metrics: { valid_ppl: v },
    }));
    const gru: RunMetrics = {
      run_id: "gru_s1",
      method: "gru-a",
      dataset: "ptb",
      phase: "pilot",
      status: "done",
      metrics: { valid_ppl: 766.2 },
    };
    const criterion = { metric: "valid_ppl", beats_baseline: true as const };
    const ctx = { peers, baselineMethod: "lstm-a", direction: metricDirection(defs, "valid_ppl") };
    expect(pilotPass(gru, criterion, ctx).pass).toBe(false);
    expect(pilotPass({ ...gru, metrics: { valid_ppl: 600 } }, criterion, ctx).pass).toBe(true);

    const nightly = directionsFrom(defs);
    expect(nightly({ exp_id: "gru-ptb", metric: "valid_ppl", n: 3, mean: 1, std: 0 })).toEqual({
      direction: "lower",
      assumed: false,
    });
    // Without definitions, an aggregated row's own direction is used before a guess.
    expect(
      directionsFrom()({
        exp_id: "x",
        metric: "valid_ppl",
        n: 1,
        mean: 1,
        std: 0,
        direction: "higher",
      }),
    ).toEqual({ direction: "higher", assumed: false });
    expect(directionsFrom()({ exp_id: "x", metric: "valid_ppl", n: 1, mean: 1, std: 0 })).toEqual({
      direction: "lower",
      assumed: true,
    });
  });
});

describe("validate on metric directions", () => {
  const withMetric = (over: (d: ReturnType<typeof validDefinitions>) => void) => {
    const d = validDefinitions();
    over(d);
    return validateDefinitions(F, asText(d)).diagnostics;
  };

  it("warns about a used metric whose direction is only guessed, naming where and how to declare it", () => {
    const diags = withMetric((d) => {
      d.datasets[0].metric = "valid_ppl";
      // the hypothesis is about accuracy: a dataset reports it
      d.datasets.push({ id: "toy-acc", label: "Toy (accuracy)", metric: "accuracy" });
    });
    expect(diags).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "datasets[0].metric",
        message:
          'metric "valid_ppl" has no declared direction; labgate guesses "lower is better" from its name',
        hint: 'declare it: "metrics": { "valid_ppl": { "direction": "lower" } } (see docs/results.md).',
      }),
    ]);
    expect(diags[0]?.line).toBeGreaterThan(1);
  });

  it("warns when an early stop would cancel the runs that do well (below, where lower is better)", () => {
    const diags = withMetric((d) => {
      d.metrics = { loss: { direction: "lower" } };
      d.experiments[1].early_stop = { metric: "loss", below: 0.1, min_runs: 2 };
    });
    expect(diags).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "experiments[1].early_stop.below",
        message:
          "early_stop cancels the runs whose mean loss is below the threshold, but lower is better for loss: it would stop the runs that do well",
      }),
    ]);
    expect(
      withMetric((d) => {
        d.metrics = { loss: { direction: "lower" } };
        d.experiments[1].early_stop = { metric: "loss", above: 2, min_runs: 2 };
      }),
    ).toEqual([]);
  });

  it("is quiet once the metric is declared; a hypothesis that contradicts the declaration is an error", () => {
    expect(
      withMetric((d) => {
        d.datasets[0].metric = "valid_ppl";
        d.datasets.push({ id: "toy-acc", label: "Toy (accuracy)", metric: "accuracy" });
        d.metrics = { valid_ppl: { direction: "lower", label: "validation perplexity" } };
      }),
    ).toEqual([]);
    const diags = withMetric((d) => {
      const h = d.hypotheses[0];
      d.metrics = { [h.metric]: { direction: "lower" } };
    });
    expect(diags).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "hypotheses[0].direction",
        message: expect.stringMatching(
          /says \w+ is better higher, but metrics\.\w+ declares lower$/,
        ),
      }),
    ]);
  });
});
