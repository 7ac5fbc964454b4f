import { describe, expect, it } from "vitest";
import type { AggregatedRow } from "../../src/core/results/aggregate-rows.js";
import { hypothesisVerdicts } from "../../src/core/results/hypothesis-verdicts.js";

/** One aggregated full-phase row compared with a measured reference. */
function row(
  over: Pick<AggregatedRow, "exp_id" | "method" | "dataset" | "metric" | "mean" | "group"> & {
    baseline: string;
    delta: number;
    ci: [number, number];
  },
): AggregatedRow {
  const { baseline, delta, ci, ...rest } = over;
  return {
    ...rest,
    n: 3,
    std: 2,
    min: rest.mean - 2,
    max: rest.mean + 2,
    best: false,
    delta_vs_baseline: delta,
    baseline,
    phase: "full",
    direction: "lower",
    direction_source: "hypothesis",
    ci95_low: null,
    ci95_high: null,
    change: null,
    delta_ci95_low: ci[0],
    delta_ci95_high: ci[1],
    p_value: 0.001,
    test: "paired",
  };
}

describe("hypothesis verdicts for ablations", () => {
  const lmMethods = [
    { id: "lstm", label: "LSTM", group: "baseline" as const },
    { id: "gru", label: "GRU + attention", group: "ours" as const },
    { id: "gru-noattn", label: "GRU w/o attention", group: "ablation" as const },
  ];

  it("supports 'attention contributes' when removing it raises perplexity (lower is better)", () => {
    // gru-noattn 140/142/144 vs gru 120/121/125: Δ +20 on valid_ppl, the ablation is worse.
    const [v] = hypothesisVerdicts(
      [
        row({
          exp_id: "gru-noattn-ptb",
          method: "gru-noattn",
          group: "ablation",
          dataset: "ptb",
          metric: "valid_ppl",
          mean: 142,
          baseline: "gru",
          delta: 20,
          ci: [17.52, 22.48],
        }),
      ],
      {
        hypotheses: [
          {
            id: "H1",
            claim: "Attention contributes: removing it raises perplexity",
            metric: "valid_ppl",
            direction: "lower",
          },
        ],
        methods: lmMethods,
      },
      [{ id: "gru-noattn-ptb", hypotheses: ["H1"] }],
      "full",
    );
    expect(v?.verdict).toBe("supported");
    expect(v?.evidence).toContain("Δ +20 (worse)");
    expect(v?.evidence).toContain("95% CI [+17.52, +22.48]");
  });

  it("refutes it when removing attention lowers perplexity, and is inconclusive when the CI includes 0", () => {
    const defs = {
      hypotheses: [
        {
          id: "H1",
          claim: "Attention contributes",
          metric: "valid_ppl",
          direction: "lower" as const,
        },
      ],
      methods: lmMethods,
    };
    const exps = [{ id: "gru-noattn-ptb", hypotheses: ["H1"] }];
    const at = (delta: number, ci: [number, number]) =>
      hypothesisVerdicts(
        [
          row({
            exp_id: "gru-noattn-ptb",
            method: "gru-noattn",
            group: "ablation",
            dataset: "ptb",
            metric: "valid_ppl",
            mean: 122 + delta,
            baseline: "gru",
            delta,
            ci,
          }),
        ],
        defs,
        exps,
        "full",
      )[0]?.verdict;
    expect(at(-10, [-12, -8])).toBe("refuted");
    expect(at(1, [-2, 4])).toBe("inconclusive");
  });

  it("supports the example's H2 shape: the rank-less fusion is less accurate than fusion on every dataset", () => {
    const methods = [
      { id: "logreg", label: "LR", group: "baseline" as const },
      { id: "fusion", label: "Fusion", group: "ours" as const },
      { id: "fusion-no-rank", label: "Fusion w/o rank", group: "ablation" as const },
    ];
    const ablation = (dataset: string, mean: number, delta: number, ci: [number, number]) =>
      row({
        exp_id: `full-fusion-no-rank-${dataset}`,
        method: "fusion-no-rank",
        group: "ablation",
        dataset,
        metric: "accuracy",
        mean,
        baseline: "fusion",
        delta,
        ci,
      });
    const [v] = hypothesisVerdicts(
      [
        ablation("iris", 0.9, -0.05, [-0.07, -0.03]),
        ablation("penguins", 0.93, -0.04, [-0.06, -0.02]),
      ],
      {
        hypotheses: [
          {
            id: "H2",
            claim: "Rank combination contributes to fusion: removing it lowers accuracy",
            metric: "accuracy",
            direction: "higher",
          },
        ],
        methods,
      },
      [
        { id: "full-fusion-no-rank-iris", hypotheses: ["H2"] },
        { id: "full-fusion-no-rank-penguins", hypotheses: ["H2"] },
      ],
      "full",
    );
    expect(v?.verdict).toBe("supported");
    expect(v?.evidence).toContain("(worse)");
  });
});

describe("hypothesis verdicts use the metric's resolved direction", () => {
  it("judges valid_ppl lower-is-better, as the design table does, when a later hypothesis says higher", () => {
    // No metrics block: the first hypothesis on valid_ppl (lower) sets its direction, and
    // validate warns that H2 disagrees. H2's verdict must read Δ -9 as better, not worse.
    const [, h2] = hypothesisVerdicts(
      [
        row({
          exp_id: "gru-ptb",
          method: "gru",
          group: "ours",
          dataset: "ptb",
          metric: "valid_ppl",
          mean: 122,
          baseline: "lstm",
          delta: -9,
          ci: [-11, -7],
        }),
      ],
      {
        hypotheses: [
          { id: "H1", claim: "GRU beats LSTM", metric: "valid_ppl", direction: "lower" },
          { id: "H2", claim: "GRU has higher ppl", metric: "valid_ppl", direction: "higher" },
        ],
        methods: [
          { id: "lstm", label: "LSTM", group: "baseline" },
          { id: "gru", label: "GRU", group: "ours" },
        ],
      },
      [{ id: "gru-ptb", hypotheses: ["H1", "H2"] }],
      "full",
    );
    expect(h2?.direction).toBe("lower");
    expect(h2?.evidence).toContain("Δ -9 (better)");
    expect(h2?.verdict).toBe("supported");
  });
});
