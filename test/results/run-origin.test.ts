import { describe, expect, it } from "vitest";
import { describeMachine, OriginTally, originChange } from "../../src/core/results/run-origin.js";

const M = {
  gpu_model: "NVIDIA H100 80GB HBM3",
  driver_version: "550.54.14",
  cuda_version: "12.4",
  interpreter: "python3",
  interpreter_version: "Python 3.11.9",
  lock_file: "uv.lock",
  lock_sha256: "c".repeat(64),
};

describe("originChange: what differs between two sets of runs", () => {
  it("same code, new driver", () => {
    const c = originChange(
      [{ commit: "a".repeat(40), machine: M }],
      [{ commit: "a".repeat(40), machine: { ...M, driver_version: "560.28.03" } }],
    );
    expect(c).toEqual({
      code: "same",
      machine: "changed",
      commits: { before: ["aaaaaaaaaaaa"], after: ["aaaaaaaaaaaa"] },
      machineChanges: ["driver 550.54.14 → 560.28.03"],
      summary: "same code (aaaaaaaaaaaa), machine changed: driver 550.54.14 → 560.28.03",
    });
  });

  it("a side that ran on two machines lists both values; a new GPU model is a change", () => {
    const c = originChange(
      [
        { commit: "a", machine: M },
        { commit: "a", machine: { ...M, driver_version: "535.104.05" } },
      ],
      [{ commit: "a", machine: { ...M, gpu_model: "NVIDIA A100-SXM4-40GB" } }],
    );
    expect(c.machineChanges).toEqual([
      "GPU NVIDIA H100 80GB HBM3 → NVIDIA A100-SXM4-40GB",
      "driver 535.104.05/550.54.14 → 550.54.14",
    ]);
  });

  it("unknown halves say why; runs without a commit leave the code unknown", () => {
    const c = originChange([{ commit: null, machine: null }], [{ commit: "b", machine: M }], {
      before: "2025-05-01: no provenance.json",
    });
    expect(c.code).toBe("unknown");
    expect(c.machine).toBe("unknown");
    expect(c.summary).toBe("code unknown, machine unknown (2025-05-01: no provenance.json)");
  });

  it("the tally keeps distinct origins with their run counts", () => {
    const t = new OriginTally();
    for (let i = 0; i < 1000; i++) t.add("x", { commit: "a", machine: { ...M } });
    t.add("x", { commit: "a", machine: null });
    expect(t.get("x")).toEqual([
      { commit: "a", machine: M, runs: 1000 },
      { commit: "a", machine: null, runs: 1 },
    ]);
    expect(t.get("y")).toEqual([]);
    expect(describeMachine({ gpu_model: null, interpreter: "node", lock_file: null })).toBe(
      "no GPU, node, no lock file",
    );
  });
});
