import { describe, expect, it } from "vitest";
import type { DesignDebateDetails } from "../../src/core/gates/debate/design-debate-gate.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const ARGPARSE = `import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\n`;

async function debateOf(d: Record<string, any>, config: string) {
  const text = asText(d);
  const { verdicts } = await reviewGates({
    workspace: memoryWorkspace({
      "experiments/definitions.json": text,
      ".github/labgate.yml": config,
      "train.py": ARGPARSE,
      "requirements.txt": "numpy==2.1.0\n",
    }),
    only: ["design-debate"],
    dryRun: "skip",
  });
  const verdict = one(verdicts);
  const skeptic = (verdict.details as DesignDebateDetails).roles.find((r) => r.role === "skeptic");
  if (!skeptic) throw new Error("no Skeptic");
  return { verdict, skeptic, text };
}

const config = (maxJobHours: number) =>
  `runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 2\ndispatch:\n  max_job_hours: ${maxJobHours}\n`;

describe("Skeptic: a run longer than dispatch.max_job_hours", () => {
  it("REJECTs it, naming the experiment, its hours, the limit and the fix, at the line that declares the hours", async () => {
    const d = validDefinitions();
    d.experiments[2].expected_duration_hours = 10; // full-ours: 2 lr x 3 seeds of 10 h
    const { verdict, skeptic, text } = await debateOf(d, config(8));
    expect(verdict.conclusion).toBe("failure");
    expect(skeptic.verdict).toBe("REJECT");
    const line = text.split("\n").findIndex((l) => l.includes('"expected_duration_hours": 10')) + 1;
    expect(skeptic.findings).toEqual([
      expect.objectContaining({
        verdict: "REJECT",
        file: "experiments/definitions.json",
        line,
        message:
          "one run of full-ours is expected to take 10 h, over dispatch.max_job_hours (8 h): no runner job can hold it, so the dispatch plan would refuse the phase — split the run (fewer steps per run, resuming from its checkpoint), or raise dispatch.max_job_hours in .github/labgate.yml (at most 100; docs/github-limits.md)",
      }),
    ]);
  });

  it("names every experiment over the limit, and a run of exactly the limit passes", async () => {
    const d = validDefinitions();
    d.defaults.expected_duration_hours = 8;
    d.experiments[0].expected_duration_hours = 9; // the pilot
    const { skeptic } = await debateOf(d, config(8));
    expect(skeptic.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^one run of pilot-ours is expected to take 9 h, over dispatch\.max_job_hours \(8 h\)/,
      ),
    ]);
    const fits = validDefinitions();
    fits.defaults.expected_duration_hours = 8;
    const passes = await debateOf(fits, config(8));
    expect(passes.skeptic.verdict).toBe("PASS");
    expect(passes.skeptic.findings).toEqual([]);
  });
});
