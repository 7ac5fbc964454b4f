import { describe, expect, it } from "vitest";
import {
  parseRunId,
  runId,
  runIdParts,
  variantId,
  variantParts,
} from "../../src/core/plan/run-id.js";
import { variantOf } from "../../src/core/results/run-result.js";

describe("parseRunId reads back what runId put together (issue #14)", () => {
  it("splits a run id into its variant, experiment id, params and seed", () => {
    const id = runId("ours-toy", { lr: 0.1, opt: "adam" }, 3);
    expect(parseRunId(id)).toEqual({
      ok: true,
      id,
      variant: "ours-toy__lr-0.1__opt-adam",
      expId: "ours-toy",
      params: ["lr-0.1", "opt-adam"],
      seed: 3,
    });
  });

  it("reads negative seeds and ids without params", () => {
    expect(runIdParts(runId("base", {}, -2))).toEqual({
      variant: "base",
      expId: "base",
      params: [],
      seed: -2,
    });
  });

  it("splits a variant id (exp_id in the results) without taking an `_s<n>` ending for a seed", () => {
    expect(variantParts(variantId("knn-iris", { k: 5 }))).toEqual({
      expId: "knn-iris",
      params: ["k-5"],
    });
    // An experiment id may end in `_s<n>`; only a run id has a seed suffix.
    expect(variantParts("ablation_s2")).toEqual({ expId: "ablation_s2", params: [] });
    expect(runIdParts(runId("ablation_s2", {}, 1))).toMatchObject({
      variant: "ablation_s2",
      seed: 1,
    });
  });

  it("gives no parts for an id without a seed suffix", () => {
    expect(runIdParts("no-seed")).toBeUndefined();
    expect(parseRunId("no-seed")).toEqual({ ok: true, id: "no-seed" });
  });

  it("still refuses what is not a run id, with no parts", () => {
    const r = parseRunId("../x", "a sidecar");
    expect(r.ok).toBe(false);
    expect(r).not.toHaveProperty("variant");
  });

  it("variantOf takes the variant only when the id's seed is the entry's", () => {
    expect(variantOf({ id: "a__k-1_s7", seed: 7, exp_id: "a" })).toBe("a__k-1");
    expect(variantOf({ id: "a__k-1_s7", seed: 8, exp_id: "a" })).toBe("a");
  });
});
