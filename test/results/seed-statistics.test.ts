import { describe, expect, it } from "vitest";
import {
  meanCi95,
  pairedDifference,
  t975,
  welchDifference,
} from "../../src/core/results/seed-statistics.js";

/** t_0.975 by degrees of freedom, from a printed table of Student's t distribution. */
const TABLE: [number, number][] = [
  [1, 12.706],
  [2, 4.303],
  [3, 3.182],
  [4, 2.776],
  [5, 2.571],
  [9, 2.262],
  [10, 2.228],
  [30, 2.042],
];

describe("seed statistics (Student t from stdlib)", () => {
  it("t quantiles match the printed table", () => {
    for (const [df, t] of TABLE) expect([df, t975(df)]).toEqual([df, expect.closeTo(t, 3)]);
  });

  it("the 95% CI of a mean: mean ± t(n-1) s / sqrt(n); none for one seed", () => {
    // 0.9, 0.92, 0.94: mean 0.92, s 0.02.
    const ci = meanCi95({ n: 3, mean: 0.92, std: 0.02 });
    const half = (4.302653 * 0.02) / Math.sqrt(3);
    expect(ci?.low).toBeCloseTo(0.92 - half, 7);
    expect(ci?.high).toBeCloseTo(0.92 + half, 7);
    expect(meanCi95({ n: 1, mean: 0.92, std: 0 })).toBeUndefined();
  });

  it("Welch: a difference exactly at the critical t has p = 0.05 and a CI that touches 0", () => {
    // Equal n and s: df = 2(n - 1) = 4 exactly; se = sqrt(2 s^2 / n).
    const s = 0.02;
    const se = Math.sqrt((2 * s * s) / 3);
    const d = welchDifference({ n: 3, mean: 2.776445 * se, std: s }, { n: 3, mean: 0, std: s });
    expect(d?.test).toBe("welch");
    expect(d?.df).toBeCloseTo(4, 9);
    expect(d?.p).toBeCloseTo(0.05, 5);
    expect(d?.low).toBeCloseTo(0, 6);
    expect(welchDifference({ n: 1, mean: 1, std: 0 }, { n: 3, mean: 0, std: s })).toBeUndefined();
  });

  it("paired: the t-test of per-seed differences; equal differences give a zero-width interval", () => {
    // Differences 1, 2, 3: mean 2, s 1, se 1/sqrt(3), t = 3.464 on 2 df.
    const d = pairedDifference([1, 2, 3]);
    const half = 4.302653 / Math.sqrt(3);
    expect(d).toMatchObject({ test: "paired", diff: 2, df: 2 });
    expect(d?.low).toBeCloseTo(2 - half, 6);
    expect(d?.high).toBeCloseTo(2 + half, 6);
    // Two-sided p for t = 2 sqrt(3) on 2 df: 1 - t / sqrt(t^2 + 2) (closed form for df 2) = 0.0742.
    expect(d?.p).toBeCloseTo(1 - (2 * Math.sqrt(3)) / Math.sqrt(12 + 2), 6);
    expect(pairedDifference([0.05, 0.05000000000000001, 0.04999999999999993])).toMatchObject({
      low: expect.closeTo(0.05, 12),
      high: expect.closeTo(0.05, 12),
      p: 0,
    });
    expect(pairedDifference([1])).toBeUndefined();
  });
});
