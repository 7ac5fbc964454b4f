import { describe, expect, it } from "vitest";
import { bestSoFar } from "../../src/core/nightly/best-so-far.js";
import { buildNightlyReport } from "../../src/core/nightly/build-nightly-report.js";
import { directionsFrom } from "../../src/core/nightly/metric-direction.js";
import { missedNights } from "../../src/core/nightly/missed-nights.js";
import { renderNightlyReport } from "../../src/core/nightly/render-nightly-report.js";
import { findStagnation } from "../../src/core/nightly/stagnation.js";
import { dates, gaussian, night, noisyRow } from "./synthetic-history.js";

const directionOf = directionsFrom({
  hypotheses: [{ id: "H1", claim: "c", metric: "accuracy", direction: "higher" }],
});

describe("missedNights", () => {
  it("finds nothing in an unbroken history", () => {
    expect(missedNights(dates("2025-03-01", 9), "2025-03-10")).toEqual([]);
  });

  it("groups consecutive gaps, across a month end, up to tonight", () => {
    expect(
      missedNights(["2025-02-26", "2025-02-27", "2025-03-02", "2025-03-04"], "2025-03-07"),
    ).toEqual([
      { from: "2025-02-28", to: "2025-03-01", nights: 2 },
      { from: "2025-03-03", to: "2025-03-03", nights: 1 },
      { from: "2025-03-05", to: "2025-03-06", nights: 2 },
    ]);
  });

  it("ignores names that are not dates", () => {
    expect(missedNights(["latest", "2025-02-30", "2025-03-01"], "2025-03-02")).toEqual([]);
  });
});

describe("stagnation and best so far", () => {
  const K = 5;
  it("flags a metric whose noisy plateau never beats the early best by the threshold", () => {
    const noise = gaussian(3);
    const ds = dates("2025-01-01", 15);
    const history = ds.map((d, i) =>
      night(d, [noisyRow(noise, { trueMean: i < 5 ? 0.7 + i * 0.04 : 0.86, sd: 0.005 })]),
    );
    const s = findStagnation(history, { nights: K, threshold: 0.02, directionOf });
    expect(s).toHaveLength(1);
    expect(s[0]?.nights).toBe(K);
    expect((s[0]?.bestDate ?? "") >= "2025-01-05").toBe(true);
  });

  it("does not flag a metric that keeps improving, nor one with fewer than K+1 nights", () => {
    const noise = gaussian(5);
    const improving = dates("2025-01-01", 12).map((d, i) =>
      night(d, [noisyRow(noise, { trueMean: 0.5 + i * 0.03, sd: 0.005 })]),
    );
    expect(findStagnation(improving, { nights: K, threshold: 0.02, directionOf })).toEqual([]);
    const short = improving
      .slice(0, K)
      .map((n) => night(n.date, [{ exp_id: "e", metric: "accuracy", n: 3, std: 0, mean: 0.5 }]));
    expect(findStagnation(short, { nights: K, threshold: 0.02, directionOf })).toEqual([]);
  });

  it("keeps the best mean per (exp_id, metric) by direction, earliest night on ties", () => {
    const row = (mean: number) => ({ exp_id: "e", metric: "accuracy", n: 3, mean, std: 0 });
    const best = bestSoFar(
      [
        night("2025-01-01", [row(0.8)]),
        night("2025-01-02", [row(0.9)]),
        night("2025-01-03", [row(0.9)]),
      ],
      directionOf,
    );
    expect(best).toEqual([
      {
        exp_id: "e",
        metric: "accuracy",
        direction: "higher",
        best: 0.9,
        date: "2025-01-02",
        nights: 3,
      },
    ]);
  });
});

describe("buildNightlyReport + renderNightlyReport", () => {
  it("compares with the latest earlier night and reports a drop, a gap and the rule", () => {
    const row = (exp_id: string, mean: number) => ({
      exp_id,
      metric: "accuracy",
      n: 3,
      mean,
      std: 0.002,
    });
    const history = [
      night("2025-05-01", [row("full-fusion-iris", 0.95), row("full-logreg-iris", 0.9)]),
      night("2025-05-02", [row("full-fusion-iris", 0.95), row("full-logreg-iris", 0.9)]),
    ];
    const tonight = night("2025-05-05", [
      row("full-fusion-iris", 0.85),
      row("full-logreg-iris", 0.9),
    ]);
    const report = buildNightlyReport(history, tonight, {
      threshold: 0.02,
      noiseK: 2,
      stagnationNights: 7,
      directionOf,
    });
    expect(report.previousDate).toBe("2025-05-02");
    expect(report.regressions.map((r) => r.exp_id)).toEqual(["full-fusion-iris"]);
    expect(report.missed).toEqual([{ from: "2025-05-03", to: "2025-05-04", nights: 2 }]);
    const md = renderNightlyReport(report, {
      chartUrl: "trend.svg",
      runUrl: "https://github.com/o/r/actions/runs/1",
      commit: "0123456789abcdef",
    });
    expect(md).toMatchSnapshot();
  });

  it("says so on the first night", () => {
    const report = buildNightlyReport(
      [],
      night("2025-05-01", [{ exp_id: "e", metric: "accuracy", n: 1, mean: 1, std: 0 }]),
      { threshold: 0.02, noiseK: 2, stagnationNights: 7, directionOf },
    );
    const md = renderNightlyReport(report);
    expect(md).toContain("first night: nothing to compare with");
    expect(report.comparisons[0]?.status).toBe("new");
    expect(report.missed).toEqual([]);
  });
});
