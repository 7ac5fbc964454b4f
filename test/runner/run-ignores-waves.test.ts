import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, sidecars } from "./campaign-repo.js";

describe('labgate run ignores waves (docs/runners.md, "Waves")', () => {
  it("runs a campaign the dispatch would split into waves to the end, on one machine, in one go", async () => {
    // 4 runs of 0.01 h, one machine, at most 0.015 h a job: the dispatch plans 4 waves.
    const dir = campaignRepo(
      [{ id: "f", seeds: [1, 2, 3, 4] }],
      "runner_pools:\n  - { name: g, labels: [self-hosted, gpu], machines: 1 }\ndispatch:\n  max_job_hours: 0.015\n",
    );
    const plan = await runCli(["plan", "--phase", "full", "--json"], dir);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).waves).toHaveLength(4);
    const run = await runCli(["run", "--phase", "full"], dir);
    expect(run.code, run.stderr).toBe(0);
    const s = sidecars(dir);
    for (const id of ["f_s1", "f_s2", "f_s3", "f_s4"]) expect(s.get(id)?.status, id).toBe("done");
  }, 120_000);
});
