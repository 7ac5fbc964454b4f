import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bootId, processStart } from "../../src/exec/process-tree.js";
import { acquireRunLock, RunLockError } from "../../src/operations/runner/run-lock.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, FIXTURES, sidecars } from "./campaign-repo.js";

const LOCK = ".labgate/run.lock";
/** The compiled module (built by the global setup), as `labgate run` itself loads it. */
const DIST_LOCK = fileURLToPath(
  new URL("../../dist/operations/runner/run-lock.js", import.meta.url),
);
const DEAD_PID = 2 ** 22 + 12345;

/** A stale lock: an older labgate's (no nonce, dead pid) or this one's from before a reboot. */
function plantStale(dir: string, trial: number): void {
  const body =
    trial % 2 === 0
      ? { pid: DEAD_PID, host: hostname(), started: "earlier" }
      : {
          pid: process.pid, // alive, but recorded in another boot
          host: hostname(),
          boot_id: "00000000-0000-0000-0000-000000000000",
          pid_start: 1,
          started: "before the reboot",
          nonce: `stale-${trial}`,
        };
  writeFileSync(join(dir, LOCK), JSON.stringify(body));
}

const workers: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const w of workers) w.kill("SIGKILL");
});

describe("the run lock: exactly one contender wins", () => {
  it("8 processes racing for a stale lock: one wins, 7 are refused, in each of 50 trials", async () => {
    const replies: string[] = [];
    let wake: () => void = () => {};
    for (let i = 0; i < 8; i++) {
      const w = spawn(process.execPath, [join(FIXTURES, "lock-contender.mjs"), DIST_LOCK]);
      workers.push(w);
      w.stderr.on("data", (d) => process.stderr.write(d));
      createInterface({ input: w.stdout }).on("line", (line) => {
        replies.push(line);
        wake();
      });
    }
    const dirs: string[] = [];
    for (let trial = 0; trial < 50; trial++) {
      const dir = tempDir("labgate-lock-");
      await mkdir(join(dir, ".labgate"));
      plantStale(dir, trial);
      dirs.push(dir);
      const at = Date.now() + 30;
      for (const w of workers) w.stdin.write(`${dir} ${at}\n`);
      while (replies.filter((r) => r.split(" ")[1] === dir).length < 8)
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
    }
    for (const [trial, dir] of dirs.entries()) {
      const mine = replies.filter((r) => r.split(" ")[1] === dir);
      const won = mine.filter((r) => r.startsWith("won "));
      expect(won, `trial ${trial}: ${mine.join(" | ")}`).toHaveLength(1);
      for (const r of mine.filter((r) => r.startsWith("refused ")))
        expect(r).toMatch(/another `labgate run` \(pid \d+, started .*\) is running/);
      // no temp file or takeover claim left behind
      expect(readdirSync(join(dir, ".labgate"))).toEqual(["run.lock"]);
    }
  }, 120_000);

  it("a lock whose pid is alive but names another process (reused pid) or another boot is taken over; a live one is refused", async () => {
    const dir = tempDir("labgate-lock-");
    await mkdir(join(dir, ".labgate"));
    const self = {
      pid: process.pid,
      host: hostname(),
      boot_id: await bootId(),
      pid_start: await processStart(process.pid),
      started: "now",
      nonce: "live-one",
    };
    writeFileSync(join(dir, LOCK), JSON.stringify(self));
    const refused = acquireRunLock(dir, new Date());
    await expect(refused).rejects.toThrow(RunLockError);
    await expect(refused).rejects.toMatchObject({ code: "held" });
    expect(JSON.parse(readFileSync(join(dir, LOCK), "utf8")).nonce).toBe("live-one");

    writeFileSync(join(dir, LOCK), JSON.stringify({ ...self, pid_start: 1, nonce: "reused" }));
    const reused = await acquireRunLock(dir, new Date());
    expect(reused.tookOver).toMatch(/^pid \d+ on .*, started now \(no longer running\)$/);
    await reused.release();
    expect(existsSync(join(dir, LOCK))).toBe(false);

    writeFileSync(join(dir, LOCK), JSON.stringify({ ...self, host: "gpu-box-7", nonce: "there" }));
    const elsewhere = await acquireRunLock(dir, new Date());
    expect(elsewhere.tookOver).toContain("on gpu-box-7, started now (another machine");
    await elsewhere.release();
  });

  // Three trials (~9 s each on a shared 2-core machine); the 50 trials above race the same code
  // through lighter processes.
  it("8 concurrent `labgate run` with a stale lock present: one runs the campaign, 7 are refused (3 trials)", async () => {
    for (let trial = 0; trial < 3; trial++) {
      // the run holds the lock for 5 s: every contender has reached the lock by then
      const dir = campaignRepo([{ id: "hold", args: "--sleep 5" }]);
      await mkdir(join(dir, ".labgate"));
      plantStale(dir, 0);
      const results = await Promise.all(Array.from({ length: 8 }, () => runCli(["run"], dir)));
      const ok = results.filter((r) => r.code === 0);
      expect(ok, results.map((r) => r.stderr).join("\n")).toHaveLength(1);
      expect(ok[0]?.stderr).toMatch(/warning: took over \.labgate\/run\.lock, left by pid \d+/);
      for (const r of results.filter((r) => r.code !== 0))
        expect(r.stderr).toMatch(/labgate run: another `labgate run` \(pid \d+, started .*\)/);
      expect(sidecars(dir).get("hold_s1")?.status).toBe("done");
      expect(existsSync(join(dir, LOCK))).toBe(false);
    }
  }, 120_000);
});
