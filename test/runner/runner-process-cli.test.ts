import { spawn } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, FIXTURES, git, sidecars, type TestExperiment } from "./campaign-repo.js";
import { killedAfterEach, pidsIn, running } from "./process-watch.js";

const started = killedAfterEach();

/** A campaign whose one run is `scripts/<script> <pidFile> <args>`, the script committed. */
function scriptCampaign(
  script: string,
  args: string,
  config: string,
  hours: number,
  others: TestExperiment[] = [],
) {
  const pidFile = join(tempDir("labgate-pids-"), "pids");
  const dir = campaignRepo(
    [
      {
        id: "wrapped",
        command: `sh scripts/${script} ${pidFile} ${args} {seed} {result_file}`,
        expected_duration_hours: hours,
      },
      ...others,
    ],
    config,
  );
  copyFileSync(join(FIXTURES, script), join(dir, "scripts", script));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "the launcher");
  return { dir, pidFile };
}

describe("labgate run: a time limit stops every process of the run", () => {
  it("a wrapper whose trainer ignores SIGTERM, 2 s limit and kill_grace_seconds 1: on_hold within 5 s, not at the trainer's natural end (90 s)", async () => {
    // 2 s = 2/3600 h x timeout_factor 1
    const { dir, pidFile } = scriptCampaign(
      "wrapper-ignores-term.sh",
      "90",
      "timeout_factor: 1\nkill_grace_seconds: 1\n",
      2 / 3600,
    );
    const t0 = Date.now();
    const r = await runCli(["run"], dir);
    const wall = Date.now() - t0;
    const pids = pidsIn(pidFile);
    started.push(...pids);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const e = sidecars(dir).get("wrapped_s1") as Record<string, any>;
    expect(e).toMatchObject({ status: "on_hold", reason: "timeout: stopped after its time limit" });
    const ran = Date.parse(e.finished) - Date.parse(e.started);
    expect(ran).toBeGreaterThanOrEqual(2900); // the limit and the grace were honoured
    expect(ran).toBeLessThan(5000);
    expect(wall).toBeLessThan(20_000); // start-up, git and the results commit included
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(running(pid)).toBe(false);
    const log = readFileSync(join(dir, ".labgate/logs/wrapped_s1.log"), "utf8");
    expect(log).toMatch(/time limit of 2 s reached: sent SIGTERM to .*\(sleep\)/);
    expect(log).toMatch(/still running after the 1 s grace, killed with SIGKILL: \d+ \(sleep\)/);
  });
});

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("labgate run: Ctrl+C stops every process of the run", () => {
  it("SIGINT to labgate: the wrapper and its trainer that ignores SIGTERM are gone after the 1 s grace, none orphaned, the run cancelled", async () => {
    const { dir, pidFile } = scriptCampaign(
      "wrapper-ignores-term.sh",
      "90",
      "kill_grace_seconds: 1\n",
      0.05,
    );
    const run = spawn(process.execPath, [BIN, "run"], { cwd: dir });
    const exited = new Promise<number | null>((r) => run.once("exit", (code) => r(code)));
    await until("the trainer to start", () => pidsIn(pidFile).length === 2);
    const pids = pidsIn(pidFile);
    started.push(...pids);
    const t0 = Date.now();
    run.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(Date.now() - t0).toBeLessThan(15_000); // 1 s grace, then the state merge and exit
    for (const pid of pids) expect(running(pid)).toBe(false);
    expect(sidecars(dir).get("wrapped_s1")).toMatchObject({
      status: "cancelled",
      reason: "cancelled: labgate run interrupted (SIGINT)",
    });
    expect(readFileSync(join(dir, ".labgate/logs/wrapped_s1.log"), "utf8")).toMatch(
      /cancelled: sent SIGTERM to .*\n*.*\[labgate: still running after the 1 s grace, killed with SIGKILL: \d+ \(sleep\)\]/s,
    );
  }, 60_000);
});

describe("labgate run: the grace is a bound, not a wait", () => {
  it("a quick run under kill_grace_seconds 120 ends labgate run long before the grace", async () => {
    const dir = campaignRepo([{ id: "quick" }], "kill_grace_seconds: 120\n");
    const t0 = Date.now();
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(0);
    expect(sidecars(dir).get("quick_s1")?.status).toBe("done");
    // a pending timer for the grace once kept the process alive for the whole 120 s
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 150_000);
});

describe("labgate run after a labgate that was SIGKILLed mid-run", () => {
  it("the orphaned run is never started twice: refused while it runs, then failed (runner lost) and run again", async () => {
    const starts = join(tempDir("labgate-starts-"), "starts");
    const env = { STARTS_FILE: starts };
    const { dir } = scriptCampaign("counts-starts.sh", "60", "kill_grace_seconds: 1\n", 0.05, [
      { id: "other" },
    ]);
    const first = spawn(process.execPath, [BIN, "run", "--parallel", "1"], {
      cwd: dir,
      env: { ...process.env, ...env },
    });
    const firstExit = new Promise((r) => first.once("exit", r));
    await until("the run to start", () => {
      const e = sidecars(dir).get("wrapped_s1");
      return e?.status === "running" && typeof e.pid === "number" && pidsIn(starts).length === 1;
    });
    const orphan = sidecars(dir).get("wrapped_s1") as Record<string, any>;
    started.push(orphan.pid);
    expect(orphan.boot_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(orphan.pid_start).toBeGreaterThan(0);
    first.kill("SIGKILL");
    await firstExit;
    expect(running(orphan.pid)).toBe(true); // its own session: SIGKILL of labgate does not reach it

    // while the orphan runs: refused, naming it and how to stop its group
    const second = await runCli(["run"], dir, env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      "labgate run: runs started by a `labgate run` that was killed are still running; starting them again would run them twice:",
    );
    expect(second.stderr).toContain(
      `wrapped_s1: pid ${orphan.pid}, started ${orphan.started}; stop it with \`kill -TERM -${orphan.pid}\` (its whole process group)`,
    );
    expect(sidecars(dir).get("wrapped_s1")?.status).toBe("running");
    expect(readFileSync(starts, "utf8").match(/start/g)).toHaveLength(1);

    // the user stops it as told; the next labgate run marks it failed (runner lost)
    process.kill(-orphan.pid, "SIGTERM");
    await until("the orphan to go", () => !running(orphan.pid));
    const third = await runCli(["run", "--only", "other_s1"], dir, env);
    expect(third.stderr).toContain(
      "warning: wrapped_s1: its sidecar said running, but the labgate running it was killed; marked failed (runner lost (labgate was killed))",
    );
    expect(sidecars(dir).get("wrapped_s1")).toMatchObject({
      status: "failed",
      reason: "runner lost (labgate was killed)",
    });

    // and the one after runs it again: once, after the orphan, never beside it
    const fourth = await runCli(["run"], dir, env);
    expect(fourth.code).toBe(0);
    expect(sidecars(dir).get("wrapped_s1")?.status).toBe("done");
    const lines = readFileSync(starts, "utf8").trim().split("\n");
    expect(lines.map((l) => l.split(" ")[0])).toEqual(["start", "start", "end"]);
  }, 120_000);
});
