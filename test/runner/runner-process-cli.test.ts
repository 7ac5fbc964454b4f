import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, FIXTURES, git, sidecars } from "./campaign-repo.js";

function pidsIn(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
}

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0))
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
});

/** A campaign whose one run is `scripts/<script> <pidFile> <args>`, the script committed. */
function scriptCampaign(script: string, args: string, config: string, hours: number) {
  const pidFile = join(tempDir("labgate-pids-"), "pids");
  const dir = campaignRepo(
    [
      {
        id: "wrapped",
        command: `sh scripts/${script} ${pidFile} ${args} {seed} {result_file}`,
        expected_duration_hours: hours,
      },
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
