import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../src/exec/run-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { FIXTURES } from "./campaign-repo.js";
import { killedAfterEach, pidsIn, running } from "./process-watch.js";

const started = killedAfterEach();

/** `pid (comm)`: the comm is the shell's until it has exec'd sleep, so either is right. */
const named = (pid: number | undefined) => `${pid} \\([^)]+\\)`;

function setup(script: string) {
  const dir = tempDir("labgate-proc-");
  const pidFile = join(dir, "pids");
  const logFile = join(dir, "run.log");
  return { dir, pidFile, logFile, script: join(FIXTURES, script) };
}

describe("runProcess owns every process it starts", () => {
  it("a timeout stops a wrapper whose child ignores SIGTERM: SIGKILL after the grace, the whole group gone, not the child's natural end", async () => {
    const t = setup("wrapper-ignores-term.sh");
    const t0 = Date.now();
    const o = await runProcess({
      argv: [t.script, t.pidFile, "90"],
      cwd: t.dir,
      logFile: t.logFile,
      timeoutMs: 1000,
      killGraceMs: 1000,
      detached: true,
    });
    const wall = Date.now() - t0;
    const pids = pidsIn(t.pidFile);
    started.push(...pids);
    expect(o.timedOut).toBe(true);
    expect(pids).toHaveLength(2); // the wrapper and its trainer
    // 1 s limit + 1 s grace; generous for a shared machine, far below the trainer's 90 s
    expect(wall).toBeGreaterThanOrEqual(1900);
    expect(wall).toBeLessThan(6000);
    for (const pid of pids) expect(running(pid)).toBe(false);
    const log = readFileSync(t.logFile, "utf8");
    expect(log).toMatch(
      /\[labgate: time limit of 1 s reached: sent SIGTERM to \d+ \(wrapper-ignores\), \d+ \(sleep\)\]/,
    );
    expect(log).toMatch(/still running after the 1 s grace, killed with SIGKILL: \d+ \(sleep\)/);
  });

  it("a cancel stops the whole group the same way", async () => {
    const t = setup("wrapper-ignores-term.sh");
    const ac = new AbortController();
    const t0 = Date.now();
    const run = runProcess({
      argv: [t.script, t.pidFile, "90"],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 500,
      signal: ac.signal,
      detached: true,
    });
    while (pidsIn(t.pidFile).length < 2 && Date.now() - t0 < 5000) await sleep(20);
    ac.abort();
    const o = await run;
    const pids = pidsIn(t.pidFile);
    started.push(...pids);
    expect(o.cancelled).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    for (const pid of pids) expect(running(pid)).toBe(false);
  });

  it("a grandchild holding stdout after the leader exited is stopped and named in the log, without waiting for it", async () => {
    const t = setup("leaves-grandchild.sh");
    const t0 = Date.now();
    const o = await runProcess({
      argv: [t.script, t.pidFile],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 20_000,
      detached: true,
    });
    const wall = Date.now() - t0;
    const [grandchild] = pidsIn(t.pidFile);
    if (grandchild) started.push(grandchild);
    expect(o.exitCode).toBe(0);
    expect(grandchild).toBeGreaterThan(0);
    // the grandchild takes SIGTERM: no need to wait for the grace, let alone its 60 s
    expect(wall).toBeLessThan(20_000);
    expect(o.survivors.join()).toMatch(new RegExp(`^${named(grandchild)}$`));
    expect(running(grandchild as number)).toBe(false);
    const log = readFileSync(t.logFile, "utf8");
    expect(log).toContain("leader done");
    expect(log).toMatch(
      new RegExp(
        `\\[labgate: the run's main process exited; 1 of its processes still running: ${named(grandchild)}\\]`,
      ),
    );
  });

  it("without its own group, the grandchild is still found (the tree under the run, its mark)", async () => {
    const t = setup("leaves-grandchild.sh");
    const t0 = Date.now();
    const o = await runProcess({
      argv: [t.script, t.pidFile],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 1000,
    });
    const [grandchild] = pidsIn(t.pidFile);
    if (grandchild) started.push(grandchild);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(o.survivors.join()).toMatch(new RegExp(`^${named(grandchild)}$`));
    expect(running(grandchild as number)).toBe(false);
  });

  it("output held by a process that escaped every search is read no longer than the grace after the exit", async () => {
    const t = setup("leaves-grandchild.sh");
    const t0 = Date.now();
    const o = await runProcess({
      argv: [t.script, t.pidFile, "escape"],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 1000,
      detached: true,
    });
    const wall = Date.now() - t0;
    const [escaped] = pidsIn(t.pidFile);
    if (escaped) started.push(escaped);
    expect(o.exitCode).toBe(0);
    expect(escaped).toBeGreaterThan(0);
    expect(wall).toBeLessThan(4000); // exit + 1 s grace, not the escaped sleep's 60 s
    const log = readFileSync(t.logFile, "utf8");
    // A sample of the tree may have caught it in the few ms before it escaped: then it was killed.
    if (running(escaped as number))
      expect(log).toContain(
        "[labgate: stopped reading the run's output 1 s after it exited: a process labgate could not find still holds it]",
      );
    else expect(o.survivors.join()).toMatch(new RegExp(`^${named(escaped)}$`));
  });

  it("a double-forked setsid daemon is found by the run's mark and killed", async () => {
    const t = setup("starts-daemon.sh");
    const o = await runProcess({
      argv: [t.script, t.pidFile, "double-fork", "0"],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 1000,
      detached: true,
    });
    const [daemon] = pidsIn(t.pidFile);
    if (daemon) started.push(daemon);
    expect(o.exitCode).toBe(0);
    expect(daemon).toBeGreaterThan(0);
    expect(o.survivors.join()).toMatch(new RegExp(`^${named(daemon)}$`));
    expect(running(daemon as number)).toBe(false);
    expect(readFileSync(t.logFile, "utf8")).toMatch(
      new RegExp(
        `still running: ${named(daemon)}\\]\\n+\\[labgate: stopping them: sent SIGTERM to ${named(daemon)}\\]`,
      ),
    );
  });

  it("a setsid daemon that cleared its environment is found in the tree recorded under the run", async () => {
    const t = setup("starts-daemon.sh");
    const o = await runProcess({
      argv: [t.script, t.pidFile, "clean-env", "1"],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 1000,
      detached: true,
    });
    const [daemon] = pidsIn(t.pidFile);
    if (daemon) started.push(daemon);
    expect(o.exitCode).toBe(0);
    expect(daemon).toBeGreaterThan(0);
    expect(o.survivors.join()).toMatch(new RegExp(`^${named(daemon)}$`));
    expect(running(daemon as number)).toBe(false);
  });

  it("a process that starts nothing else ends as before: exit code, no survivors, no note", async () => {
    const t = setup("daemon.sh");
    const o = await runProcess({
      argv: ["sh", "-c", "echo hello; exit 3"],
      cwd: t.dir,
      logFile: t.logFile,
      killGraceMs: 1000,
      detached: true,
    });
    expect(o).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, survivors: [] });
    expect(readFileSync(t.logFile, "utf8")).toBe("hello\n");
  });
});
