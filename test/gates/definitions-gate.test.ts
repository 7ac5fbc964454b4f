import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../../src/core/gates/render-verdict-markdown.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("definitions gate", () => {
  it("passes the bundled example campaign", async () => {
    const { verdicts } = await reviewGates({
      workspace: diskWorkspace(ROOT),
      only: ["definitions"],
      dryRun: "skip",
    });
    expect(verdicts).toHaveLength(1);
    const v = one(verdicts);
    expect(v.conclusion).toBe("success");
    expect(v.label).toBe("VALID");
    expect(renderVerdictTitle(v)).toBe(
      "VALID — 19 experiments, 57 runs, 5.4 GPU-hours estimated (budget 12)",
    );
  });

  it("turns each diagnostic into a blocking reason with file, line and column", async () => {
    const d = validDefinitions();
    d.experiments[1].method = "bse";
    d.experiments[2].seeds = [1, 1];
    const text = asText(d);
    const { verdicts } = await reviewGates({
      workspace: memoryWorkspace({ "experiments/definitions.json": text }),
      only: ["definitions"],
      dryRun: "skip",
    });
    const v = one(verdicts);
    expect(text.split("\n")[58]).toBe('      "method": "bse",');
    expect(v.conclusion).toBe("failure");
    expect(v.label).toBe("INVALID");
    expect(v.reasons).toEqual([
      expect.objectContaining({
        severity: "blocking",
        file: "experiments/definitions.json",
        line: 59,
        column: 7,
        message: expect.stringMatching(/^experiments\[1\]\.method: method "bse" is not declared/),
      }),
      expect.objectContaining({
        severity: "blocking",
        line: expect.any(Number),
        message: expect.stringMatching(/seeds\[1\]: seed 1 is listed twice/),
      }),
    ]);
    expect(renderVerdictMarkdown(v)).toMatchSnapshot();
  });

  it("reports a budget overrun as a warning that does not fail the gate", async () => {
    const d = validDefinitions();
    d.budget = { gpu_hours: 2 };
    const { verdicts } = await reviewGates({
      workspace: memoryWorkspace({ "experiments/definitions.json": asText(d) }),
      only: ["definitions"],
      dryRun: "skip",
    });
    const v = one(verdicts);
    expect(v.conclusion).toBe("success");
    expect(v.reasons).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(/exceed the budget/),
      }),
    ]);
  });

  it("fails with a positioned reason when the definitions file is missing or the config is bad", async () => {
    const missing = await reviewGates({
      workspace: memoryWorkspace({}),
      dryRun: "skip",
      only: ["definitions"],
    });
    expect(missing.verdicts[0]?.reasons[0]).toMatchObject({
      file: "experiments/definitions.json",
      line: 1,
      message: expect.stringMatching(/file not found/),
    });
    const badConfig = await reviewGates({
      workspace: memoryWorkspace({ ".github/labgate.yml": "gates:\n  min_seeds: zero\n" }),
      dryRun: "skip",
      only: ["definitions"],
    });
    expect(badConfig.verdicts[0]).toMatchObject({ conclusion: "failure" });
    expect(badConfig.verdicts[0]?.reasons[0]).toMatchObject({
      file: ".github/labgate.yml",
      line: 2,
    });
  });
});
