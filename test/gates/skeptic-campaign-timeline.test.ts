import { describe, expect, it } from "vitest";
import type { DesignDebateDetails } from "../../src/core/gates/debate/design-debate-gate.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const ARGPARSE = `import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\n`;

/**
 * 9 full runs (full-base: 3 seeds, full-ours: 2 lr x 3 seeds) of 30 h each, one per GPU (20,000
 * MB x 1.2 of 24,576): a job of at most 40 h (dispatch.max_job_hours) holds one run per machine.
 * The pilot takes 1 h.
 */
function longCampaign() {
  const d = validDefinitions();
  d.defaults.expected_duration_hours = 30;
  d.defaults.vram_mb = 20_000;
  d.experiments[0].expected_duration_hours = 1; // the pilot
  return d;
}

async function skepticOf(d: Record<string, any>, config: string) {
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
  const roles = (one(verdicts).details as DesignDebateDetails).roles;
  const skeptic = roles.find((r) => r.role === "skeptic");
  if (!skeptic) throw new Error("no Skeptic");
  return { skeptic, text };
}

const pool = (machines: number) =>
  `runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: ${machines}\n`;

describe("Skeptic: the campaign's timeline on the configured pools", () => {
  it("REVISEs a full phase whose waves, one after another, take longer than gates.debate.max_campaign_days, naming days, waves and the fix", async () => {
    // 2 machines: 5 waves of 30 h (2 + 2 + 2 + 2 + 1 runs) = 150 h = 6.25 days, while GPU-hours
    // over GPUs ((270 + 1) / 2 / 24 = 5.6 days) pass the same 6-day max_timeline_days.
    const config = `${pool(2)}gates:\n  debate:\n    max_timeline_days: 6\n    max_campaign_days: 6\n`;
    const { skeptic, text } = await skepticOf(longCampaign(), config);
    expect(skeptic.verdict).toBe("REVISE");
    expect(skeptic.findings).toEqual([
      expect.objectContaining({
        verdict: "REVISE",
        file: "experiments/definitions.json",
        // At the largest experiment, full-ours (6 runs): the line of its `{`.
        line: text.split("\n").findIndex((l) => l.includes('"id": "full-ours"')),
        message:
          "the full phase is expected to take 6.3 days on the configured runner pools (gpu: 2 machine(s) x 1 GPU(s)): 5 wave(s) one after another, each at most dispatch.max_job_hours (40 h), 150 h in all — over gates.debate.max_campaign_days (6); add machines to runner_pools, cut seeds or grid values (the largest experiment is full-ours), or raise gates.debate.max_campaign_days with your PI",
      }),
    ]);
  });

  it("the default bound is 30 days: 9 waves of 30 h on one machine (11.3 days) pass it, and a bound of 11 days does not", async () => {
    const passes = await skepticOf(longCampaign(), pool(1));
    expect(passes.skeptic.verdict).toBe("PASS");
    expect(passes.skeptic.findings).toEqual([]);
    const over = await skepticOf(
      longCampaign(),
      `${pool(1)}gates:\n  debate:\n    max_campaign_days: 11\n`,
    );
    expect(over.skeptic.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^the full phase is expected to take 11.3 days on the configured runner pools \(gpu: 1 machine\(s\) x 1 GPU\(s\)\): 9 wave\(s\)/,
      ),
    ]);
  });

  it("no false positive: more machines make fewer waves, and the same campaign passes the same bound", async () => {
    // 9 machines: one wave of 30 h.
    const { skeptic } = await skepticOf(
      longCampaign(),
      `${pool(9)}gates:\n  debate:\n    max_campaign_days: 2\n`,
    );
    expect(skeptic.verdict).toBe("PASS");
    expect(skeptic.findings).toEqual([]);
  });

  it("pilot runs are not the campaign: a long pilot does not count toward the full phase's timeline", async () => {
    const d = validDefinitions();
    d.experiments[0].expected_duration_hours = 60;
    d.experiments[0].seeds = [1, 2, 3];
    const { skeptic } = await skepticOf(
      d,
      // dispatch.max_job_hours 60: a job can hold one 60 h pilot run (the default 40 could not).
      `${pool(1)}dispatch:\n  max_job_hours: 60\ngates:\n  debate:\n    max_campaign_days: 1\n`,
    );
    expect(skeptic.findings).toEqual([]);
  });
});
