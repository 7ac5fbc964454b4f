import { describe, expect, it } from "vitest";
import { comparisonCells } from "../../src/core/nightly/comparison-cells.js";

const row = (previous: { n: number; mean: number; std: number }, current: typeof previous) =>
  comparisonCells({
    exp_id: "full-ours",
    metric: "accuracy",
    direction: "higher",
    directionAssumed: false,
    previous,
    current,
    delta: current.mean - previous.mean,
    status: "steady",
  });

describe("nightly comparison cells", () => {
  it("a single seed shows its mean alone with n=1, not ± 0", () => {
    const cells = row({ n: 1, mean: 0.974, std: 0 }, { n: 1, mean: 0.975, std: 0 });
    expect(cells.slice(3, 5)).toEqual(["0.974 (n=1)", "0.975 (n=1)"]);
    for (const c of cells) expect(c).not.toMatch(/± 0\b/);
  });

  it("several seeds keep mean ± std with their count, in four significant digits", () => {
    const cells = row({ n: 5, mean: 0.96123, std: 0.0031623 }, { n: 1, mean: 0.9, std: 0 });
    expect(cells.slice(3, 5)).toEqual(["0.9612 ± 0.003162 (n=5)", "0.9 (n=1)"]);
  });
});
