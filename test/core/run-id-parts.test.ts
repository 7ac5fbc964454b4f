import { describe, expect, it } from "vitest";
import { parseRunId, runId, runIdParts, variantId } from "../../src/core/plan/run-id.js";
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

  it("reads a variant id (no seed suffix) as itself, with its experiment id and params", () => {
    expect(runIdParts(variantId("knn-iris", { k: 5 }))).toEqual({
      variant: "knn-iris__k-5",
      expId: "knn-iris",
      params: ["k-5"],
      seed: undefined,
    });
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
