import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config/config-schema.js";
import { compareNights } from "../../src/core/nightly/compare-nights.js";
import { directionsFrom } from "../../src/core/nightly/metric-direction.js";
import { gaussian, noisyRow } from "./synthetic-history.js";

const higher = directionsFrom({
  hypotheses: [
    { id: "H1", claim: "c", metric: "accuracy", direction: "higher" },
    { id: "H2", claim: "c", metric: "loss", direction: "lower" },
  ],
});
const rules = { threshold: 0.02, noiseK: DEFAULT_CONFIG.nightly.noise_k, directionOf: higher };

describe("compareNights — regression = beyond the threshold AND beyond the seed spread", () => {
  it("raises no false alarm over 500 pairs of nights that differ only by seed noise", () => {
    const noise = gaussian(7);
    let alarms = 0;
    for (let i = 0; i < 500; i++) {
      // sd 0.03 on a 0.90 mean: single seeds swing by >3%, well past the 2% threshold.
      const a = noisyRow(noise, { trueMean: 0.9, sd: 0.03 });
      const b = noisyRow(noise, { trueMean: 0.9, sd: 0.03 });
      const [c] = compareNights([a], [b], rules);
      if (c?.status === "regression") alarms++;
    }
    // The threshold alone would fire on ~17% of these (the 2% drop is under one standard error
    // of the difference); 3 standard errors keep false alarms near 1% even with 5 seeds' stds.
    expect(alarms).toBeLessThan(10);
  });

  it("flags a real drop of the mean against the direction", () => {
    const noise = gaussian(11);
    let flagged = 0;
    for (let i = 0; i < 50; i++) {
      const a = noisyRow(noise, { trueMean: 0.9, sd: 0.01 });
      const b = noisyRow(noise, { trueMean: 0.84, sd: 0.01 });
      if (compareNights([a], [b], rules)[0]?.status === "regression") flagged++;
    }
    expect(flagged).toBe(50);
  });

  it("does not flag a drop inside the threshold even when it is beyond the noise", () => {
    const [c] = compareNights(
      [{ exp_id: "e", metric: "accuracy", n: 5, mean: 0.9, std: 0.0001 }],
      [{ exp_id: "e", metric: "accuracy", n: 5, mean: 0.89, std: 0.0001 }],
      rules,
    );
    expect(c?.status).toBe("steady");
    expect(c?.relative).toBeCloseTo(-0.01 / 0.9, 10);
  });

  it("does not flag a drop beyond the threshold that is inside the seed spread", () => {
    const [c] = compareNights(
      [{ exp_id: "e", metric: "accuracy", n: 3, mean: 0.9, std: 0.08 }],
      [{ exp_id: "e", metric: "accuracy", n: 3, mean: 0.85, std: 0.08 }],
      rules,
    );
    expect(c?.status).toBe("steady");
    expect(c?.noise).toBeCloseTo(3 * Math.sqrt((2 * 0.08 ** 2) / 3), 10);
  });

  it("reads the direction from the hypothesis: a rising loss is a regression, a falling one an improvement", () => {
    const prev = [
      { exp_id: "a", metric: "loss", n: 3, mean: 0.5, std: 0.01 },
      { exp_id: "b", metric: "loss", n: 3, mean: 0.5, std: 0.01 },
    ];
    const cur = [
      { exp_id: "a", metric: "loss", n: 3, mean: 0.6, std: 0.01 },
      { exp_id: "b", metric: "loss", n: 3, mean: 0.4, std: 0.01 },
    ];
    const out = compareNights(prev, cur, rules);
    expect(out.map((c) => [c.exp_id, c.direction, c.status])).toEqual([
      ["a", "lower", "regression"],
      ["b", "lower", "improvement"],
    ]);
  });

  it("reports metrics that appeared or disappeared, and marks an assumed direction", () => {
    const out = compareNights(
      [{ exp_id: "gone", metric: "f1", n: 3, mean: 0.5, std: 0 }],
      [{ exp_id: "fresh", metric: "accuracy", n: 3, mean: 0.5, std: 0 }],
      rules,
    );
    expect(out.map((c) => [c.exp_id, c.status, c.directionAssumed])).toEqual([
      ["gone", "missing", true],
      ["fresh", "new", false],
    ]);
  });

  it("uses the experiment's own hypothesis for a params variant id", () => {
    const dir = directionsFrom(
      { hypotheses: [{ id: "H9", claim: "c", metric: "err", direction: "lower" }] },
      [{ id: "full-knn", hypotheses: ["H9"] }],
    );
    expect(dir({ exp_id: "full-knn__k-5", metric: "err", n: 1, mean: 1, std: 0 })).toEqual({
      direction: "lower",
      assumed: false,
    });
  });
});
