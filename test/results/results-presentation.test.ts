import { describe, expect, it } from "vitest";
import type { AggregatedRow } from "../../src/core/results/aggregate-rows.js";
import { aggregatedCsv } from "../../src/core/results/aggregated-files.js";
import { designTable } from "../../src/core/results/design-table.js";
import { hypothesisVerdicts } from "../../src/core/results/hypothesis-verdicts.js";
import {
  type ResultsSummary,
  renderResultsReadme,
} from "../../src/core/results/render-results-readme.js";
import { designTableRows } from "../../src/operations/report.js";

/** A row of aggregated.json: accuracy of one method on "toy", full phase, 3 seeds. */
function row(exp_id: string, mean: number, over: Partial<AggregatedRow> = {}): AggregatedRow {
  const method = exp_id.split("__")[0] ?? exp_id;
  return {
    exp_id,
    method,
    dataset: "toy",
    metric: "accuracy",
    n: 3,
    mean,
    std: 0.01,
    min: mean - 0.01,
    max: mean + 0.01,
    best: false,
    delta_vs_baseline: null,
    baseline: null,
    group: method === "base" ? "baseline" : "ours",
    phase: "full",
    direction: "higher",
    direction_source: "declared",
    ci95_low: mean - 0.02,
    ci95_high: mean + 0.02,
    change: null,
    delta_ci95_low: null,
    delta_ci95_high: null,
    p_value: null,
    test: null,
    ...over,
  };
}

const defs = {
  hypotheses: [
    { id: "H1", claim: "ours beats base", metric: "accuracy", direction: "higher" as const },
  ],
  metrics: {
    accuracy: { direction: "higher" as const, unit: "fraction" },
    val_accuracy: { direction: "higher" as const, unit: "fraction" },
  },
  methods: [
    { id: "base", label: "Baseline", group: "baseline" as const },
    { id: "ours", label: "Ours", group: "ours" as const },
  ],
  datasets: [{ id: "toy", label: "Toy", metric: "accuracy" }],
  experiments: [
    { id: "base", hypotheses: ["H1"] },
    { id: "ours", hypotheses: ["H1"] },
  ],
};

function readme(rows: AggregatedRow[]): string {
  const summary: ResultsSummary = {
    title: "t",
    project: "p",
    updated: "2025-03-01T12:00:00Z",
    counts: { done: 3 },
    total: 3,
    sourceCommits: [],
    runUrl: "https://github.com/o/r/actions/runs/1",
    table: designTable(rows, defs),
    rows,
    failures: [],
    chart: undefined,
  };
  return renderResultsReadme(summary);
}

const tableLine = (text: string, start: string) =>
  text.split("\n").find((l) => l.startsWith(start)) ?? "";

describe("results as a reader sees them (found by review)", () => {
  it("a single seed shows its mean alone, with n=1, and empty CI columns, not ± 0", () => {
    const one = row("ours", 0.8, {
      n: 1,
      std: 0,
      min: 0.8,
      max: 0.8,
      ci95_low: null,
      ci95_high: null,
    });
    const rows = [row("base", 0.7), one];
    const text = readme(rows);
    const cell = tableLine(text, "| Ours (ours) |");
    expect(cell).toContain("0.8 (n=1)");
    expect(cell).not.toContain("±");
    const perExperiment = tableLine(text, "| ours | accuracy");
    expect(perExperiment).toBe("| ours | accuracy (higher) | 1 | 0.8 |  | 0.8 | 0.8 |  |  |  |");
    const report = designTableRows(designTable(rows, defs)).rows[1]?.[1];
    expect(report).toBe("0.8 (n=1) *");
  });

  it("a rate's confidence interval is shown clamped to [0, 1]; aggregated.csv keeps the raw bounds", () => {
    const rows = [
      row("base", 0.7),
      row("ours", 0.99, { min: 0.97, max: 1, ci95_low: 0.95, ci95_high: 1.03 }),
    ];
    expect(tableLine(readme(rows), "| ours | accuracy")).toContain("| [0.95, 1] |");
    expect(aggregatedCsv(rows)).toContain("1.03");
    // a metric that is not a rate keeps its bounds
    const ppl = [row("ours", 0.99, { metric: "valid_ppl", direction: "lower", ci95_high: 1.03 })];
    expect(tableLine(readme(ppl), "| ours | valid_ppl")).toContain("[0.97, 1.03]");
  });

  it("a sweep's variant is chosen on the validation metric, not on the test metric", () => {
    const rows = [
      row("base", 0.7),
      row("ours__lr-0.1", 0.9),
      row("ours__lr-0.1", 0.6, { metric: "val_accuracy" }),
      row("ours__lr-0.01", 0.85),
      row("ours__lr-0.01", 0.8, { metric: "val_accuracy" }),
    ];
    const t = designTable(rows, defs);
    expect(t.cell("ours", "toy")?.row.exp_id).toBe("ours__lr-0.01");
    expect(t.cell("ours", "toy")?.row.mean).toBe(0.85);
    // the verdict compares the same variant: the one selected on validation is clearly better
    const compared = (exp_id: string, mean: number, low: number) =>
      row(exp_id, mean, {
        baseline: "base",
        delta_vs_baseline: mean - 0.7,
        delta_ci95_low: low,
        delta_ci95_high: mean - 0.7 + 0.05,
        p_value: 0.01,
        test: "welch",
      });
    const withDeltas = [
      row("base", 0.7),
      compared("ours__lr-0.1", 0.9, -0.01),
      row("ours__lr-0.1", 0.6, { metric: "val_accuracy" }),
      compared("ours__lr-0.01", 0.85, 0.1),
      row("ours__lr-0.01", 0.8, { metric: "val_accuracy" }),
    ];
    const [h1] = hypothesisVerdicts(withDeltas, defs, defs.experiments, "full");
    expect(h1?.comparisons.map((c) => c.row.exp_id)).toEqual(["ours__lr-0.01"]);
    expect(h1?.verdict).toBe("supported");
    // without a validation metric, the test metric is all there is
    const noVal = rows.filter((r) => r.metric !== "val_accuracy");
    expect(designTable(noVal, defs).cell("ours", "toy")?.row.exp_id).toBe("ours__lr-0.1");
  });
});
