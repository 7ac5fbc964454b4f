import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GitRepo } from "../../src/git/git-repo.js";
import { runCampaign } from "../../src/operations/run-campaign.js";
import { campaignRepo, sidecars } from "./campaign-repo.js";

function deps(dir: string) {
  const warnings: string[] = [];
  return {
    git: GitRepo.open(dir),
    env: { ...process.env, LABGATE_EXECUTOR: "local" },
    clock: () => new Date(),
    log: { info: () => {}, warn: (s: string) => warnings.push(s) },
    signal: new AbortController().signal,
    emit: () => {},
  };
}

describe("labgate run's refusals carry a code to branch on (issue #14)", () => {
  it("names uncommitted source with the code source-not-committed, and runs nothing", async () => {
    const dir = campaignRepo([{ id: "a" }]);
    writeFileSync(join(dir, "scripts/fake_train.py"), "# edited\n", { flag: "a" });
    const r = await runCampaign(deps(dir), { cwd: dir, commit: false });
    expect(r).toMatchObject({ kind: "refused", ok: false, code: "source-not-committed" });
    expect(r.kind === "refused" && r.message).toContain("uncommitted changes");
    expect(sidecars(dir).size).toBe(0);
  });

  it("says no-runs-match when --only selects nothing", async () => {
    const dir = campaignRepo([{ id: "a" }]);
    const r = await runCampaign(deps(dir), { cwd: dir, only: "nothing-*", commit: false });
    expect(r).toMatchObject({ kind: "refused", ok: false, code: "no-runs-match" });
    expect(r.kind === "refused" && r.message).toContain("no runs match --only nothing-*");
  });
});
