import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, FINAL, resultOf, sidecars } from "./campaign-repo.js";

describe("labgate run: a run that goes wrong never takes the others down", () => {
  it("classifies every fault, keeps the good results, caps the log, survives a malformed sidecar", async () => {
    const dir = campaignRepo(
      [
        { id: "good", mode: "ok", seeds: [1, 2] },
        { id: "killed", mode: "sigkill" },
        // 0.0005 h x timeout_factor 1 = 1.8 s
        { id: "slow", mode: "hang", expected_duration_hours: 0.0005 },
        { id: "crash", mode: "crash" },
        { id: "oomkill", mode: "exit137" },
        { id: "cudaoom", mode: "oom" },
        { id: "silent", mode: "noresult" },
        { id: "garbled", mode: "badjson" },
        { id: "loud", mode: "flood" },
        {
          id: "missing",
          command: "no-such-program-labgate --seed {seed} --result-file {result_file}",
        },
      ],
      "timeout_factor: 1\n",
    );
    mkdirSync(join(dir, "dispatch"), { recursive: true });
    writeFileSync(join(dir, "dispatch/ghost_s1.status.json"), "{ this is not json");

    const r = await runCli(["run", "--parallel", "4"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const s = sidecars(dir);
    const get = (id: string) => s.get(`${id}_s1`) as Record<string, any>;
    expect([...s.keys()].sort()).toEqual(
      [
        "crash_s1",
        "cudaoom_s1",
        "garbled_s1",
        "good_s1",
        "good_s2",
        "killed_s1",
        "loud_s1",
        "missing_s1",
        "oomkill_s1",
        "silent_s1",
        "slow_s1",
      ].sort(),
    );
    for (const e of s.values()) {
      expect(FINAL).toContain(e.status);
      expect(e.git_commit).toMatch(/^[0-9a-f]{40}$/);
      expect(e.host).toBeTruthy();
      expect(e.started).toBeTruthy();
      expect(e.finished).toBeTruthy();
    }
    expect(get("good").status).toBe("done");
    expect(s.get("good_s2")?.status).toBe("done");
    expect(resultOf(dir, "good_s1").metrics.accuracy).toBe(0.51);
    expect(resultOf(dir, "good_s2").metrics.accuracy).toBe(0.52);
    expect(get("good").duration_hours).toBeGreaterThan(0);

    expect(get("killed")).toMatchObject({ status: "failed", reason: "signal: killed by SIGKILL" });
    expect(get("slow")).toMatchObject({ status: "on_hold" });
    expect(get("slow").reason).toMatch(/^timeout/);
    expect(get("crash")).toMatchObject({ status: "failed", exit_code: 1 });
    expect(get("crash").reason).toMatch(/^exit 1: RuntimeError: loss became NaN/);
    expect(get("oomkill")).toMatchObject({ status: "failed", exit_code: 137 });
    expect(get("oomkill").reason).toMatch(/^out-of-memory: exit 137/);
    expect(get("cudaoom").reason).toMatch(/^out-of-memory: .*CUDA out of memory/);
    expect(get("silent")).toMatchObject({ status: "failed", exit_code: 0 });
    expect(get("silent").reason).toMatch(/^no-result/);
    expect(get("missing")).toMatchObject({ status: "failed", exit_code: null });
    expect(get("missing").reason).toMatch(/^could not start: .*ENOENT/);
    expect(get("garbled").reason).toMatch(/^invalid-result: .*not JSON/);

    // 100 MB printed: the run finished, the log stopped at the 10 MB cap
    expect(get("loud").status).toBe("done");
    const log = statSync(join(dir, ".labgate/logs/loud_s1.log")).size;
    expect(log).toBeLessThan(10 * 1024 * 1024 + 1024);
    expect(log).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(get("loud").notes).toMatch(/log cut at 10485760 bytes of 104857/);
    expect(readFileSync(join(dir, ".labgate/logs/crash_s1.log"), "utf8")).toContain(
      "loss became NaN",
    );

    // merged state holds every run with its final status; the malformed sidecar was reported
    const state = JSON.parse(readFileSync(join(dir, "dispatch/state.json"), "utf8"));
    const byId = new Map(state.experiments.map((e: any) => [e.id, e]));
    for (const [id, e] of s) expect((byId.get(id) as any)?.status).toBe(e.status);
    expect(r.stderr).toContain("ghost_s1.status.json");
    expect(existsSync(join(dir, ".labgate/run.lock"))).toBe(false);
  }, 90_000);
});
