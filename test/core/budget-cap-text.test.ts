import { describe, expect, it } from "vitest";
import { budgetText } from "../../src/core/config/effective-budget.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import type { DesignDebateDetails } from "../../src/core/gates/debate/design-debate-gate.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { memoryWorkspace, one } from "../gates/gate-helpers.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

describe("a config budget that caps the definitions' higher one says so", () => {
  it("budgetText names the config file and the definitions' figure it caps", () => {
    expect(budgetText(1000, 100)).toBe(
      "100 GPU-hours from .github/labgate.yml, which caps the definitions' 1000",
    );
    expect(budgetText(10, 100)).toBe("10 GPU-hours");
    expect(budgetText(undefined, 100)).toBe("100 GPU-hours");
    expect(budgetText(100, 100)).toBe("100 GPU-hours");
    expect(budgetText(undefined, undefined)).toBeUndefined();
  });

  it("validate's budget warning says the config caps the definitions' budget", () => {
    const d = validDefinitions();
    d.budget = { gpu_hours: 1000 };
    const r = validateDefinitions("experiments/definitions.json", asText(d), { budgetGpuHours: 5 });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        message:
          "estimated 10.0 GPU-hours exceed the budget of 5 GPU-hours from .github/labgate.yml, which caps the definitions' 1000",
      }),
    ]);
  });
});

describe("the Skeptic's budget REJECT says the config caps the definitions' budget", () => {
  it("names the config file and the definitions' figure", async () => {
    const d = validDefinitions();
    d.budget = { gpu_hours: 1000 };
    const { verdicts } = await reviewGates({
      workspace: memoryWorkspace({
        "experiments/definitions.json": asText(d),
        ".github/labgate.yml": "budget:\n  gpu_hours: 5\n",
        "train.py": 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\n',
        "requirements.txt": "numpy==2.1.0\n",
      }),
      only: ["design-debate"],
      dryRun: "skip",
    });
    const roles = (one(verdicts).details as DesignDebateDetails).roles;
    const skeptic = roles.find((r) => r.role === "skeptic");
    expect(skeptic?.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^estimated 10 GPU-hours exceed the budget of 5 from \.github\/labgate\.yml, which caps the definitions' 1000; the largest experiments/,
      ),
    ]);
  });
});
