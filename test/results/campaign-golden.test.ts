import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { designChartSpec } from "../../src/core/results/chart-spec.js";
import { designTable } from "../../src/core/results/design-table.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { importChartModules, renderWith } from "../../src/operations/results/chart-render.js";
import { exportResults, memoryTarget } from "../../src/operations/write-results.js";
import { stateEntry } from "../helpers/state-fixture.js";

/**
 * Two small campaigns through the real export: a lower-is-better one (perplexity, the reported
 * failure: the worse method was bolded and the refuted hypothesis never said so) and a
 * higher-is-better one. Statistics are checked against values computed here from a table of
 * Student t quantiles, not from the code under test.
 */

/** Two-sided 95% Student t quantiles (t_0.975) by degrees of freedom, from a printed table. */
const T975 = { 2: 4.302653, 4: 2.776445 } as const;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

interface Campaign {
  metric: string;
  direction: "higher" | "lower";
  claim: string;
  /** method -> [seed, value][] */
  values: Record<string, [number, number][]>;
}

async function runCampaign(c: Campaign) {
  const defs = {
    version: 1,
    project: "lm-study",
    title: `A ${c.direction}-is-better campaign`,
    hypotheses: [{ id: "H1", claim: c.claim, metric: c.metric, direction: c.direction }],
    metrics: { [c.metric]: { direction: c.direction, label: c.metric.replace("_", " ") } },
    methods: [
      { id: "lstm-a", label: "LSTM (2 layers, 650 units)", group: "baseline" },
      { id: "gru-a", label: "GRU (2 layers, 650 units)", group: "ours" },
    ],
    datasets: [{ id: "ptb", label: "Penn Treebank", metric: c.metric }],
    defaults: {
      command: "python3 lm.py --seed {seed} --result-file {result_file}",
      seeds: [1, 2, 3],
      expected_duration_hours: 1,
      hypotheses: ["H1"],
    },
    experiments: [
      { id: "lstm-ptb", phase: "full", method: "lstm-a", dataset: "ptb" },
      {
        id: "gru-ptb",
        phase: "full",
        method: "gru-a",
        dataset: "ptb",
        seeds: c.values["gru-a"]?.map(([s]) => s),
        baseline: { method: "lstm-a" },
      },
    ],
  };
  const v = validateDefinitions("experiments/definitions.json", JSON.stringify(defs));
  if (!v.loaded) throw new Error(JSON.stringify(v.diagnostics));
  expect(v.diagnostics).toEqual([]);
  const entries: StateEntry[] = [];
  const results = new Map<string, string>();
  for (const [method, runs] of Object.entries(c.values))
    for (const [seed, value] of runs) {
      const exp = method === "gru-a" ? "gru-ptb" : "lstm-ptb";
      const id = `${exp}_s${seed}`;
      entries.push(
        stateEntry({
          id,
          exp_id: exp,
          method,
          dataset: "ptb",
          seed,
          status: "done",
          git_commit: "a".repeat(40),
          finished: "2025-03-01T10:00:00Z",
        }),
      );
      results.set(id, JSON.stringify({ metrics: { [c.metric]: value }, meta: {} }));
    }
  const { target, outputs } = memoryTarget();
  await exportResults(
    {
      entries,
      loaded: v.loaded,
      config: { results_dir: "experiments/results" },
      runUrl: "https://github.com/lab/lm/actions/runs/7",
      clock: () => new Date("2025-03-01T12:00:00Z"),
      readResult: async (e) => results.get(e.id),
      copyRunFiles: "always",
    },
    target,
  );
  const file = (name: string) => {
    const f = outputs.find((o) => o.path === `experiments/results/${name}`);
    if (!f) throw new Error(`no ${name}`);
    return f.content;
  };
  const aggregated = JSON.parse(file("aggregated.json")).rows as Record<string, unknown>[];
  const csv = file("aggregated.csv").trim().split("\n");
  return { file, aggregated, csv, loaded: v.loaded };
}

describe("lower is better (perplexity): the reported campaign", () => {
  // LSTM 631.9 ± 1.8; GRU 766.2: worse by 134.3, the same seeds (a paired comparison).
  const lstm: [number, number][] = [
    [1, 630.1],
    [2, 631.9],
    [3, 633.7],
  ];
  const gru: [number, number][] = [
    [1, 763.0],
    [2, 766.2],
    [3, 769.4],
  ];
  const campaign: Campaign = {
    metric: "valid_ppl",
    direction: "lower",
    claim: "GRU reaches lower perplexity than LSTM",
    values: { "lstm-a": lstm, "gru-a": gru },
  };

  it("bolds LSTM's 631.9, not GRU's 766.2; Δ +134.3 is worse; the hypothesis is refuted", async () => {
    const { file, aggregated, csv } = await runCampaign(campaign);
    const readme = file("README.md");
    expect(readme).toContain("| LSTM (2 layers, 650 units) (baseline) | **631.9 ± 1.8 (3)** |");
    expect(readme).toContain(
      "| GRU (2 layers, 650 units) (ours) | 766.2 ± 3.2 (3)<br>Δ +134.3 (worse) vs lstm-a |",
    );
    expect(readme).toMatch(/\| H1 \| GRU reaches lower perplexity than LSTM .*\| ❌ refuted \|/);
    await expect(readme).toMatchFileSnapshot("__snapshots__/golden-lower-is-better.md");

    // CI columns: after the original eleven, so positional readers keep working.
    expect(csv[0]).toBe(
      "exp_id,method,dataset,metric,n,mean,std,min,max,best,delta_vs_baseline,ci95_low,ci95_high,baseline,change,delta_ci95_low,delta_ci95_high,p_value,test,direction",
    );
    const lstmRow = aggregated.find((r) => r.method === "lstm-a") as Record<string, number>;
    const gruRow = aggregated.find((r) => r.method === "gru-a") as Record<string, number | string>;
    const half = (T975[2] * sd(lstm.map(([, x]) => x))) / Math.sqrt(3);
    expect(lstmRow.ci95_low).toBeCloseTo(631.9 - half, 6);
    expect(lstmRow.ci95_high).toBeCloseTo(631.9 + half, 6);
    expect(lstmRow.best).toBe(true);
    // Paired: the per-seed differences 132.9, 134.3, 135.7.
    const diffs = gru.map(([, x], i) => x - (lstm[i] as [number, number])[1]);
    const dHalf = (T975[2] * sd(diffs)) / Math.sqrt(3);
    expect(gruRow).toMatchObject({
      best: false,
      change: "worse",
      test: "paired",
      baseline: "lstm-a",
    });
    expect(gruRow.delta_vs_baseline).toBeCloseTo(134.3, 8);
    expect(gruRow.delta_ci95_low).toBeCloseTo(134.3 - dHalf, 6);
    expect(gruRow.delta_ci95_high).toBeCloseTo(134.3 + dHalf, 6);
    // t = 134.3 / (1.4 / sqrt 3) = 166.2 on 2 df: p = 2 / (pi (1 + t^2/2))... well below 1e-4.
    expect(gruRow.p_value as number).toBeGreaterThan(0);
    expect(gruRow.p_value as number).toBeLessThan(1e-4);
  });

  it("charts perplexity on an axis from the data, titled with its direction", async () => {
    const { aggregated, loaded } = await runCampaign(campaign);
    const spec = designChartSpec(
      designTable(aggregated as never, loaded.definitions, loaded.experiments),
    ) as {
      vconcat: {
        title: { text: string };
        layer: { encoding: { x: { scale: { domain: number[] } } } }[];
      }[];
    };
    const panel = spec.vconcat[0];
    expect(panel?.title.text).toBe("Penn Treebank: valid ppl (lower is better)");
    const [lo, hi] = panel?.layer[1]?.encoding.x.scale.domain ?? [];
    // Not from 0: the data span 627-774 (means and CIs), padded by 10%.
    expect(lo).toBeGreaterThan(600);
    expect(hi).toBeLessThan(800);
    const svg = await renderWith(await importChartModules(), spec as Record<string, unknown>);
    // Full labels (no "…"), the two groups present in the legend and no third.
    expect(svg).toContain("LSTM (2 layers, 650 units) (baseline)");
    expect(svg).not.toContain("…");
    expect(svg).toContain(">ours</text>");
    expect(svg).not.toContain(">ablation</text>");
    await expect(svg).toMatchFileSnapshot("__snapshots__/golden-lower-is-better.svg");
  });
});

describe("higher is better (accuracy), different seeds (Welch)", () => {
  // Equal spread and size on both sides: Welch's df is exactly 2(n - 1) = 4.
  const lstm: [number, number][] = [
    [1, 0.9],
    [2, 0.92],
    [3, 0.94],
  ];
  const gru: [number, number][] = [
    [4, 0.95],
    [5, 0.97],
    [6, 0.99],
  ];
  const campaign: Campaign = {
    metric: "accuracy",
    direction: "higher",
    claim: "GRU is more accurate than LSTM",
    values: { "lstm-a": lstm, "gru-a": gru },
  };

  it("bolds GRU, Δ +0.05 is better, the CI of the difference excludes 0: supported", async () => {
    const { file, aggregated } = await runCampaign(campaign);
    const readme = file("README.md");
    expect(readme).toContain(
      "| GRU (2 layers, 650 units) (ours) | **0.97 ± 0.02 (3)**<br>Δ +0.05 (better) vs lstm-a |",
    );
    expect(readme).toMatch(
      /\| H1 \| .*\| ✅ supported \| gru-a vs lstm-a on ptb: accuracy 0\.97 vs 0\.92, Δ \+0\.05 \(better\), 95% CI \[/,
    );
    await expect(readme).toMatchFileSnapshot("__snapshots__/golden-higher-is-better.md");

    const gruRow = aggregated.find((r) => r.method === "gru-a") as Record<string, number | string>;
    const se = Math.sqrt(0.02 ** 2 / 3 + 0.02 ** 2 / 3);
    expect(gruRow).toMatchObject({ test: "welch", change: "better", best: true });
    expect(gruRow.delta_ci95_low).toBeCloseTo(0.05 - T975[4] * se, 8);
    expect(gruRow.delta_ci95_high).toBeCloseTo(0.05 + T975[4] * se, 8);
    // t = 0.05 / 0.01633 = 3.062 on 4 df: between t_0.975 (2.776, p 0.05) and t_0.99 (3.747, p 0.02).
    expect(gruRow.p_value as number).toBeLessThan(0.05);
    expect(gruRow.p_value as number).toBeGreaterThan(0.02);
  });
});
