import { describe, expect, it } from "vitest";
import { renderPhase8Results } from "../../src/app/approval/render-phase8-results.js";
import type { DashboardModel } from "../../src/app/dashboard/dashboard-model.js";
import { renderDashboard } from "../../src/app/dashboard/render-dashboard.js";
import { parseAggregated } from "../../src/core/nightly/parse-aggregated.js";

/** aggregated.json as `labgate aggregate` writes it for the perplexity campaign. */
const AGGREGATED = JSON.stringify({
  project: "lm-study",
  generated: "2025-03-01T12:00:00Z",
  source_commits: ["abc"],
  hypotheses: [
    {
      id: "H1",
      claim: "GRU reaches lower perplexity than LSTM",
      metric: "valid_ppl",
      direction: "lower",
      verdict: "refuted",
      evidence:
        "gru-a vs lstm-a on ptb: valid_ppl 766.2 vs 631.9, Δ +134.3 (worse), 95% CI [+130.8, +137.8], p=3.6e-5 (paired, n=3)",
    },
  ],
  rows: [
    {
      exp_id: "lstm-ptb",
      method: "lstm-a",
      dataset: "ptb",
      metric: "valid_ppl",
      n: 3,
      mean: 631.9,
      std: 1.8,
      best: true,
      delta_vs_baseline: null,
      baseline: null,
      change: null,
      direction: "lower",
    },
    {
      exp_id: "gru-ptb",
      method: "gru-a",
      dataset: "ptb",
      metric: "valid_ppl",
      n: 3,
      mean: 766.2,
      std: 3.2,
      best: false,
      delta_vs_baseline: 134.3,
      baseline: "lstm-a",
      change: "worse",
      direction: "lower",
    },
  ],
});

describe("hypothesis verdicts where a researcher looks", () => {
  it("the labgate/phase8 check: the verdict with its evidence, Δ with its sign and better/worse, the best in bold", () => {
    const agg = parseAggregated("experiments/results/aggregated.json", AGGREGATED);
    if (!agg.ok) throw new Error(agg.message);
    const md = renderPhase8Results({
      runUrl: "https://github.com/lab/lm/actions/runs/7",
      conclusion: "success",
      sha: "abc1234",
      approvedBy: "pi",
      rows: agg.rows,
      ...(agg.hypotheses ? { hypotheses: agg.hypotheses } : {}),
      runs: [],
      resultsDir: "experiments/results",
    });
    expect(md).toContain(
      "| H1: GRU reaches lower perplexity than LSTM | ❌ refuted | gru-a vs lstm-a on ptb: valid_ppl 766.2 vs 631.9, Δ +134.3 (worse), 95% CI [+130.8, +137.8], p=3.6e-5 (paired, n=3) |",
    );
    expect(md).toContain(
      "| `lstm-ptb` | lstm-a | ptb | valid_ppl | 3 | **631.9000 ± 1.8000** |  |",
    );
    expect(md).toContain(
      "| `gru-ptb` | gru-a | ptb | valid_ppl | 3 | 766.2000 ± 3.2000 | +134.3 (worse) vs lstm-a |",
    );
  });

  it("the dashboard: full-phase verdicts when given, else the pilot check's", () => {
    const model: DashboardModel = {
      pr: 3,
      headSha: "abc1234def",
      definitionsPath: "experiments/definitions.json",
      experiments: [],
      verdicts: [
        {
          gate: "pilot",
          conclusion: "failure",
          label: "ITERATE",
          summary: "2 pilot runs",
          reasons: [],
          details: {
            hypotheses: [
              {
                id: "H1",
                claim: "GRU is better",
                metric: "valid_ppl",
                direction: "lower",
                verdict: "inconclusive",
                evidence: "no CI (n=1)",
              },
            ],
          },
        },
      ],
      pending: [],
      plannedRuns: 6,
      gpuHours: 6,
      runs: [],
      approval: { kind: "none" },
    };
    expect(renderDashboard(model)).toContain(
      "### Hypotheses (from the pilot runs)\n\n| hypothesis | verdict | evidence |\n| --- | --- | --- |\n| H1: GRU is better | ❔ inconclusive | no CI (n=1) |",
    );
    const agg = parseAggregated("aggregated.json", AGGREGATED);
    const full = renderDashboard({
      ...model,
      ...(agg.ok && agg.hypotheses ? { hypotheses: agg.hypotheses } : {}),
    });
    expect(full).toContain("### Hypotheses (from the full-phase results)");
    expect(full).toContain("| H1: GRU reaches lower perplexity than LSTM | ❌ refuted |");
  });
});
