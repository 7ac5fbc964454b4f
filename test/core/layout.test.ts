import { describe, expect, it } from "vitest";
import {
  RESULTS_FILES,
  resultsFilePath,
  runResultPath,
  sidecarPath,
  statePath,
} from "../../src/core/paths/layout.js";

const dirs = { dispatch_dir: "dispatch/", results_dir: "experiments/results" };

describe("layout", () => {
  it("builds every path from the config's folders", () => {
    expect(statePath(dirs)).toBe("dispatch/state.json");
    expect(sidecarPath(dirs, "mlp_s1")).toBe("dispatch/mlp_s1.status.json");
    expect(runResultPath(dirs, "mlp__lr-0.1_s1")).toBe(
      "experiments/results/runs/mlp__lr-0.1_s1.json",
    );
    expect(resultsFilePath(dirs, RESULTS_FILES.allResults)).toBe(
      "experiments/results/all_results.csv",
    );
  });

  it("refuses a run id no plan could make instead of making it a path", () => {
    expect(() => sidecarPath(dirs, "../../x/package")).toThrow(/run id/);
    expect(() => runResultPath(dirs, "a/b_s1")).toThrow(/run id/);
  });
});
