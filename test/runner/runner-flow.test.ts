import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, resultOf, sidecars } from "./campaign-repo.js";

describe("labgate run: retries, stage gating, early stop", () => {
  it("retries a failed run with --resume appended, up to `retries`", async () => {
    const dir = campaignRepo([
      { id: "flaky", mode: "fail-once", retries: 1 },
      { id: "broken", mode: "crash", retries: 2 },
    ]);
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(1);
    const s = sidecars(dir);
    expect(s.get("flaky_s1")).toMatchObject({ status: "done", retry_count: 1, reason: null });
    const meta = resultOf(dir, "flaky_s1").meta;
    expect(meta.resumed).toBe(true);
    expect(meta.argv.at(-1)).toBe("--resume");
    expect(s.get("broken_s1")).toMatchObject({ status: "failed", retry_count: 2, exit_code: 1 });
    const log = readFileSync(join(dir, ".labgate/logs/flaky_s1.log"), "utf8");
    expect(log).toContain("preempted, checkpoint saved");
    expect(log).toMatch(/\[labgate: retry 1\/1: python3 scripts\/fake_train\.py .* --resume\]/);
    expect(r.stdout).toMatch(/retry\s+flaky_s1: retry 1\/1 after: exit 1/);
  }, 60_000);

  it("runs stage 2 only when stage 1 passed; the rest is cancelled with the reason", async () => {
    const dir = campaignRepo([
      {
        id: "p1",
        phase: "pilot",
        stage: 1,
        args: "--value 0.4",
        pass_criterion: { metric: "accuracy", min: 0.8 },
      },
      { id: "p1b", phase: "pilot", stage: 1, args: "--value 0.9" },
      { id: "p2", phase: "pilot", stage: 2 },
      { id: "f", phase: "full", seeds: [1, 2] },
    ]);
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("pilot stage 1: did not pass");
    expect(r.stdout).toContain("p1_s1: accuracy 0.4 < min 0.8");
    const s = sidecars(dir);
    expect(s.get("p1_s1")?.status).toBe("done");
    expect(s.get("p1b_s1")?.status).toBe("done");
    for (const id of ["p2_s1", "f_s1", "f_s2"])
      expect(s.get(id)).toMatchObject({
        status: "cancelled",
        reason: "not run: pilot stage 1 did not pass",
        started: null,
      });
  }, 60_000);

  it("passes a beats_baseline pilot stage and goes on to the full phase", async () => {
    const dir = campaignRepo([
      { id: "pb", phase: "pilot", stage: 1, method: "base", args: "--value 0.6" },
      {
        id: "po",
        phase: "pilot",
        stage: 2,
        args: "--value 0.7",
        baseline: { method: "base" },
        pass_criterion: { metric: "accuracy", beats_baseline: true },
      },
      { id: "f", phase: "full" },
    ]);
    const r = await runCli(["run"], dir);
    expect(r.stdout).toContain("pilot stage 2: passed");
    expect(r.code).toBe(0);
    expect(sidecars(dir).get("f_s1")?.status).toBe("done");
  }, 60_000);

  it("cancels an experiment's remaining runs once its early_stop rule is met", async () => {
    const dir = campaignRepo([
      {
        id: "weak",
        seeds: [1, 2, 3, 4, 5, 6],
        args: "--value 0.1 --sleep 0.2",
        early_stop: { metric: "accuracy", below: 0.5, min_runs: 2 },
      },
      { id: "other", seeds: [1, 2] },
    ]);
    const r = await runCli(["run", "--parallel", "1"], dir);
    const s = sidecars(dir);
    const weak = [1, 2, 3, 4, 5, 6].map((n) => s.get(`weak_s${n}`));
    expect(weak.filter((e) => e?.status === "done")).toHaveLength(2);
    const cancelled = weak.filter((e) => e?.status === "cancelled");
    expect(cancelled).toHaveLength(4);
    for (const e of cancelled)
      expect(e?.reason).toBe("early stop: mean accuracy 0.1 < 0.5 over 2 runs");
    expect(s.get("other_s1")?.status).toBe("done");
    expect(s.get("other_s2")?.status).toBe("done");
    expect(r.code).toBe(0);
  }, 60_000);
});

describe("labgate run: choosing runs, and what other commands see afterwards", () => {
  it("--shard K runs the runs the plan puts on shard K; --only filters by glob; plan and status use the results", async () => {
    const dir = campaignRepo(
      [
        { id: "a", seeds: [1, 2, 3] },
        { id: "b", seeds: [1, 2], expected_duration_hours: 0.02 },
      ],
      "runner_pools:\n  - name: cpu\n    labels: [self-hosted, gpu]\n    machines: 2\n",
    );
    const plan = JSON.parse((await runCli(["plan", "--json"], dir)).stdout);
    const shard0 = plan.dispatch
      .filter((d: any) => d.shard === 0)
      .map((d: any) => d.run_id)
      .sort();
    expect(shard0.length).toBeGreaterThan(0);
    expect(shard0.length).toBeLessThan(5);

    const r = await runCli(["run", "--shard", "0"], dir);
    expect(r.code).toBe(0);
    expect([...sidecars(dir).keys()].sort()).toEqual(shard0);
    for (const e of sidecars(dir).values()) expect(e.shard).toBe(0);

    const only = await runCli(["run", "--only", "b_*"], dir);
    expect(only.code).toBe(0);
    const ran = [...sidecars(dir).keys()];
    expect(ran).toContain("b_s1");
    expect(ran).toContain("b_s2");

    const none = await runCli(["run", "--only", "zzz*"], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no runs match --only zzz*");

    const planAfter = await runCli(["plan"], dir);
    expect(planAfter.stdout).toMatch(
      /estimates: measured durations .* for 2 experiment\(s\): a, b/,
    );
    const status = await runCli(["status"], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/b_s1\s+done\s+\S+/);
    expect(status.stdout).toMatch(/runs: \d+ done/);
  }, 90_000);
});
