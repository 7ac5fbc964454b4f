import { describe, expect, it } from "vitest";
import { effectiveBudget } from "../../src/core/config/effective-budget.js";

describe("effectiveBudget: the config's budget caps, definitions.json may only lower it", () => {
  it("takes the lower of the two, and says whose it is", () => {
    expect(effectiveBudget(1_000_000, 40)).toEqual({ gpuHours: 40, fromDefinitions: false });
    expect(effectiveBudget(10, 40)).toEqual({ gpuHours: 10, fromDefinitions: true });
    expect(effectiveBudget(40, 40)).toEqual({ gpuHours: 40, fromDefinitions: true });
  });

  it("takes whichever is set; none when neither is", () => {
    expect(effectiveBudget(12, undefined)).toEqual({ gpuHours: 12, fromDefinitions: true });
    expect(effectiveBudget(undefined, 40)).toEqual({ gpuHours: 40, fromDefinitions: false });
    expect(effectiveBudget(undefined, undefined)).toBeUndefined();
  });
});
