import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, git } from "./campaign-repo.js";

const head = (dir: string) => git(dir, "rev-parse", "HEAD");

describe("no empty results commits (issue #13)", () => {
  it("a labgate run or aggregate that changes nothing but timestamps makes no commit and leaves the checkout clean", async () => {
    const dir = campaignRepo([{ id: "good", mode: "ok", seeds: [1, 2] }]);
    const first = await runCli(["run"], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/results committed: [0-9a-f]{40}/);
    const committed = head(dir);

    // Everything is done: the second run runs nothing and writes the same results, newer times.
    const again = await runCli(["run"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("2 done before, skipped");
    expect(again.stdout).toContain(
      "results unchanged since the last results commit (at most the times they were written at differ); nothing was committed",
    );
    expect(head(dir)).toBe(committed);
    expect(git(dir, "status", "--porcelain", "--", "experiments", "dispatch/state.json")).toBe("");

    const agg = await runCli(["aggregate"], dir);
    expect(agg.code, agg.stderr).toBe(0);
    expect(agg.stdout).toContain("nothing was committed");
    expect(head(dir)).toBe(committed);
    expect(git(dir, "status", "--porcelain", "--", "experiments", "dispatch/state.json")).toBe("");
  }, 150_000);

  it("a campaign with no result row commits nothing unless --commit-empty, and says why", async () => {
    const dir = campaignRepo([{ id: "broken", mode: "crash", seeds: [1, 2] }]);
    const before = head(dir);
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "no result rows (2 failed), so nothing was committed: a results commit with an empty table would only hide the last good one.",
    );
    expect(r.stdout).toContain("pass --commit-empty to commit the statuses anyway");
    expect(r.stdout).not.toMatch(/results committed/);
    expect(head(dir)).toBe(before);

    const agg = await runCli(["aggregate"], dir);
    expect(agg.code, agg.stderr).toBe(0);
    expect(agg.stdout).toContain("no result rows (2 failed), so nothing was committed");
    expect(head(dir)).toBe(before);

    const forced = await runCli(["aggregate", "--commit-empty"], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/results commit: [0-9a-f]{40}/);
    expect(head(dir)).not.toBe(before);
    expect(git(dir, "log", "-1", "--format=%s")).toBe("labgate: results of runner-test (2 failed)");
    expect(git(dir, "show", "--name-only", "--format=", "HEAD")).toContain("dispatch/state.json");
  }, 150_000);
});
