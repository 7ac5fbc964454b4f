import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/run-cli.js";
import { campaignRepo, FINAL, git, sidecars } from "./campaign-repo.js";

async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnRun(dir: string, args: string[] = [], detached = false) {
  const child = spawn(process.execPath, [BIN, "run", ...args], {
    cwd: dir,
    stdio: "pipe",
    detached,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe("labgate run: results must map to a commit", () => {
  it("refuses when a script the commands run has uncommitted changes, and runs nothing", async () => {
    const dir = campaignRepo([{ id: "a" }]);
    writeFileSync(join(dir, "scripts/fake_train.py"), "# edited\n", { flag: "a" });
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("uncommitted changes");
    expect(r.stderr).toContain("  scripts/fake_train.py");
    expect(r.stderr).toContain("git add scripts/fake_train.py && git commit");
    expect(sidecars(dir).size).toBe(0);
    // an edit elsewhere in the repo does not block the run
    git(dir, "checkout", "--", "scripts/fake_train.py");
    writeFileSync(join(dir, "notes.txt"), "unrelated\n");
    expect((await runCli(["run"], dir)).code).toBe(0);
  }, 60_000);

  it("refuses when --sha is not the checked-out commit", async () => {
    const dir = campaignRepo([{ id: "a" }]);
    const head = git(dir, "rev-parse", "HEAD");
    const other = head.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    const r = await runCli(["run", "--sha", other], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--sha ${other} is not the checked-out commit (HEAD is ${head})`);
    expect(sidecars(dir).size).toBe(0);
    const ok = await runCli(["run", "--sha", head.slice(0, 10)], dir);
    expect(ok.code).toBe(0);
    expect(sidecars(dir).get("a_s1")?.git_commit).toBe(head);
  }, 60_000);
});

describe("labgate run: one at a time, Ctrl+C, resume", () => {
  it("a second labgate run in the same repo refuses while the first is active; a stale lock is taken over", async () => {
    const dir = campaignRepo([{ id: "slow", args: "--sleep 2" }]);
    const first = spawnRun(dir);
    await until(() => sidecars(dir).get("slow_s1")?.status === "running");
    const second = await runCli(["run"], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `another \`labgate run\` \\(pid ${first.child.pid}, started .*\\) is running in this repository`,
      ),
    );
    const r = await first.done;
    expect(r.code).toBe(0);
    expect(sidecars(dir).get("slow_s1")?.status).toBe("done");
    expect(existsSync(join(dir, ".labgate/run.lock"))).toBe(false);

    // a lock left by a process that no longer exists does not block
    writeFileSync(
      join(dir, ".labgate/run.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: "earlier" }),
    );
    const again = await runCli(["run"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("1 already done (skipped)");
    const forced = await runCli(["run", "--force"], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain("already done");
    expect(forced.stdout).toMatch(/done\s+slow_s1/);
  }, 60_000);

  it("Ctrl+C stops the running runs, marks them cancelled, merges state; a new run resumes", async () => {
    const dir = campaignRepo([
      { id: "quick", seeds: [1, 2] },
      { id: "long", args: "--sleep 30", seeds: [1, 2, 3] },
    ]);
    const run = spawnRun(dir, ["--parallel", "2"]);
    await until(() => {
      const s = sidecars(dir);
      return (
        s.get("quick_s1")?.status === "done" &&
        s.get("quick_s2")?.status === "done" &&
        [...s.values()].filter((e) => e.status === "running").length === 2
      );
    });
    const quickStarted = sidecars(dir).get("quick_s1")?.started;
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    const s = sidecars(dir);
    for (const e of s.values()) expect(FINAL).toContain(e.status);
    const long = [1, 2, 3].map((n) => s.get(`long_s${n}`));
    expect(long.every((e) => e?.status === "cancelled")).toBe(true);
    expect(long.filter((e) => e?.started !== null)).toHaveLength(2); // were running
    for (const e of long) expect(e?.reason).toBe("cancelled: labgate run interrupted (SIGINT)");
    const state = JSON.parse(readFileSync(join(dir, "dispatch/state.json"), "utf8"));
    expect(state.experiments.find((e: any) => e.id === "quick_s1").status).toBe("done");
    expect(existsSync(join(dir, ".labgate/run.lock"))).toBe(false);

    // resume: done runs are skipped, the cancelled ones run again (shortened so the test is quick)
    const defs = JSON.parse(readFileSync(join(dir, "experiments/definitions.json"), "utf8"));
    defs.experiments[1].command = defs.experiments[1].command.replace("--sleep 30", "--sleep 0");
    writeFileSync(join(dir, "experiments/definitions.json"), JSON.stringify(defs));
    git(dir, "commit", "-qam", "shorter");
    const again = await runCli(["run", "--parallel", "3"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("2 already done (skipped)");
    const after = sidecars(dir);
    expect(after.get("quick_s1")?.started).toBe(quickStarted);
    for (const n of [1, 2, 3]) expect(after.get(`long_s${n}`)?.status).toBe("done");
  }, 90_000);

  it("Ctrl+C in a terminal (SIGINT to the whole process group) still ends the runs cancelled, not failed", async () => {
    const dir = campaignRepo([{ id: "long", args: "--sleep 30", seeds: [1, 2] }]);
    // its own process group, like a shell's foreground job
    const run = spawnRun(dir, ["--parallel", "2"], true);
    await until(
      () => [...sidecars(dir).values()].filter((e) => e.status === "running").length === 2,
    );
    process.kill(-(run.child.pid as number), "SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    for (const n of [1, 2])
      expect(sidecars(dir).get(`long_s${n}`)).toMatchObject({
        status: "cancelled",
        reason: "cancelled: labgate run interrupted (SIGINT)",
      });
    expect(readFileSync(join(dir, ".labgate/logs/long_s1.log"), "utf8")).not.toContain(
      "KeyboardInterrupt",
    );
  }, 60_000);
});
