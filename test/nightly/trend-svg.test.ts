import { describe, expect, it } from "vitest";
import { trendChartSpec } from "../../src/core/nightly/trend-chart-spec.js";
import { renderTrendSvg } from "../../src/operations/nightly-trend-svg.js";
import { dates, night } from "./synthetic-history.js";

describe("nightly trend chart (vega-lite -> vega SVG in Node)", () => {
  const history = dates("2025-01-01", 4).map((d, i) =>
    night(d, [
      { exp_id: "full-fusion-iris", metric: "accuracy", n: 3, mean: 0.9 + i * 0.01, std: 0.01 },
      { exp_id: "full-logreg-iris", metric: "loss", n: 3, mean: 0.4 - i * 0.02, std: 0.02 },
    ]),
  );

  it("puts every night's mean and seed band into the spec, one panel per metric", () => {
    const spec = trendChartSpec(history) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values).toHaveLength(8);
    expect(spec.data.values[0]).toEqual({
      night: "2025-01-01",
      series: "full-fusion-iris",
      metric: "accuracy",
      mean: 0.9,
      lo: 0.89,
      hi: 0.91,
    });
  });

  it("renders a standalone SVG naming each series", async () => {
    const svg = await renderTrendSvg(history, "fusion-tabular nightly");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain("full-fusion-iris");
    expect(svg).toContain("full-logreg-iris");
    expect(svg).toContain("fusion-tabular nightly");
    expect(svg).toMatch(/<path[^>]+d="M/);
  });
});
