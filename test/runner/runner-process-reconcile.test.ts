import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bootId, processStart } from "../../src/exec/process-tree.js";
import { reconcileSidecars } from "../../src/operations/runner/reconcile-sidecars.js";
import { tempDir } from "../helpers/temp-dir.js";

const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0))
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
});

function sidecar(dir: string, id: string, fields: Record<string, unknown>): void {
  mkdirSync(join(dir, "dispatch"), { recursive: true });
  writeFileSync(
    join(dir, "dispatch", `${id}.status.json`),
    JSON.stringify({
      id,
      exp_id: id.replace(/_s\d+$/, ""),
      phase: "full",
      method: "m",
      dataset: "d",
      seed: 1,
      status: "running",
      host: hostname(),
      started: "2026-11-30T10:00:00.000Z",
      ...fields,
    }),
  );
}

const read = (dir: string, id: string) =>
  JSON.parse(readFileSync(join(dir, "dispatch", `${id}.status.json`), "utf8"));

describe("reconcileSidecars: what a killed labgate left running", () => {
  it("lost when the pid is gone, reused, from another boot or another host; alive when its process or group runs", async () => {
    const dir = tempDir("labgate-reconcile-");
    const boot = await bootId();
    // a live process in its own group, like a run a killed labgate left
    const orphan = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    children.push(orphan.pid as number);
    const start = await processStart(orphan.pid as number);
    const self = { boot_id: boot, pid_start: start };
    sidecar(dir, "alive_s1", { pid: orphan.pid, ...self });
    sidecar(dir, "gone_s1", { pid: 2 ** 22 + 4321, ...self });
    sidecar(dir, "reused_s1", { pid: orphan.pid, boot_id: boot, pid_start: (start ?? 0) + 1 });
    sidecar(dir, "reboot_s1", { pid: orphan.pid, boot_id: "11111111-2222-3333-4444-555555555555" });
    sidecar(dir, "elsewhere_s1", { pid: orphan.pid, ...self, host: "gpu-box-7" });
    sidecar(dir, "older_s1", { pid: orphan.pid }); // an older labgate's: no boot_id, no pid_start
    sidecar(dir, "nopid_s1", { pid: null });
    sidecar(dir, "done_s1", { status: "done", pid: 2 ** 22 + 4321 });

    const now = new Date("2026-11-30T12:00:00.000Z");
    const r = await reconcileSidecars({ cwd: dir, dispatchDir: "dispatch", now, warn: () => {} });
    expect(r.alive.map((a) => a.id).sort()).toEqual(["alive_s1", "older_s1"]);
    expect(r.alive.find((a) => a.id === "alive_s1")).toEqual({
      id: "alive_s1",
      pid: orphan.pid,
      started: "2026-11-30T10:00:00.000Z",
    });
    expect(r.lost.sort()).toEqual([
      "elsewhere_s1",
      "gone_s1",
      "nopid_s1",
      "reboot_s1",
      "reused_s1",
    ]);
    for (const id of r.lost)
      expect(read(dir, id)).toMatchObject({
        status: "failed",
        reason: "runner lost (labgate was killed)",
        finished: now.toISOString(),
        method: "m", // the rest of the entry is kept
      });
    expect(read(dir, "alive_s1").status).toBe("running");
    expect(read(dir, "done_s1").status).toBe("done");

    // the leader gone, a process of its group still running: alive
    const group = spawn("sh", ["-c", "sleep 30 & exit 0"], { detached: true, stdio: "ignore" });
    await new Promise((res) => group.once("exit", res));
    children.push(-(group.pid as number));
    sidecar(dir, "group_s1", { pid: group.pid, boot_id: boot, pid_start: 1 });
    const g = await reconcileSidecars({ cwd: dir, dispatchDir: "dispatch", now, warn: () => {} });
    expect(g.alive.map((a) => a.id).sort()).toEqual(["alive_s1", "group_s1", "older_s1"]);
  });
});
