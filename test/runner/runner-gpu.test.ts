import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, FAKE_GPU_BIN, resultOf, sidecars } from "./campaign-repo.js";

/** Most intervals alive at one instant. */
function maxOverlap(intervals: { start: number; end: number }[]): number {
  const points = intervals.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const p of points) {
    now += p.d;
    max = Math.max(max, now);
  }
  return max;
}

describe("labgate run on a machine with GPUs (a fake nvidia-smi on PATH)", () => {
  it("packs runs onto GPUs by free memory, waits for room, sets CUDA_VISIBLE_DEVICES, records peak memory", async () => {
    const dir = campaignRepo([
      {
        id: "packed",
        mode: "gpu",
        args: "--gpu-mb 3000 --sleep 0.8",
        vram_mb: 4000,
        seeds: [1, 2, 3, 4, 5, 6],
      },
      { id: "huge", mode: "gpu", vram_mb: 20_000 },
      { id: "cpu", vram_mb: 0 },
    ]);
    const env = {
      PATH: `${FAKE_GPU_BIN}:${process.env.PATH}`,
      // two GPUs of 10000 MB; GPU 1 already has 500 MB used by someone else
      FAKE_GPUS: "0, Fake GPU A, 10000, 0;1, Fake GPU B, 10000, 500",
      FAKE_GPU_DIR: tempDir("labgate-fake-gpu-"),
      LABGATE_GPU_POLL_MS: "100",
    };

    const dry = await runCli(["run", "--dry-run"], dir, env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/packed_s1\s+full\s+gpu [01]/);
    expect(dry.stdout).toMatch(/huge_s1\s+full\s+never fits/);
    expect(dry.stdout).toContain(
      "GPUs 0:Fake GPU A (10000 of 10000 MB free), 1:Fake GPU B (9500 of 10000 MB free)",
    );
    expect(sidecars(dir).size).toBe(0);

    const r = await runCli(["run"], dir, env);
    expect(r.code).toBe(1); // "huge" cannot run here
    const s = sidecars(dir);
    const runs = [1, 2, 3, 4, 5, 6].map((n) => {
      const id = `packed_s${n}`;
      const meta = resultOf(dir, id).meta;
      return { id, entry: s.get(id) as Record<string, any>, meta };
    });
    for (const { entry, meta } of runs) {
      expect(entry.status).toBe("done");
      expect(["0", "1"]).toContain(meta.cuda_visible_devices);
      expect(entry.gpu).toBe(meta.cuda_visible_devices === "0" ? "0:Fake GPU A" : "1:Fake GPU B");
      expect(entry.peak_vram_mb).toBe(3000);
    }
    const intervals = runs.map(({ meta }) => ({
      start: meta.started,
      end: meta.ended,
      gpu: meta.cuda_visible_devices,
    }));
    // 4000 x 1.2 = 4800 MB each: GPU 0 holds two (9600 <= 10000); GPU 1, with 500 MB taken by
    // another tenant, holds one (9500 - 4800 = 4700 < 4800)
    expect(maxOverlap(intervals.filter((i) => i.gpu === "0"))).toBe(2);
    expect(maxOverlap(intervals.filter((i) => i.gpu === "1"))).toBe(1);
    expect(maxOverlap(intervals)).toBe(3);
    // six runs, three at a time: some waited for room
    const firstEnd = Math.min(...intervals.map((i) => i.end));
    expect(intervals.filter((i) => i.start >= firstEnd).length).toBeGreaterThanOrEqual(3);

    expect(s.get("huge_s1")).toMatchObject({ status: "failed", started: null });
    expect(s.get("huge_s1")?.reason).toBe(
      "out-of-memory: needs 24000 MB free (vram_mb 20000 x 1.2) but the largest GPU here has 10000 MB",
    );
    expect(s.get("cpu_s1")?.status).toBe("done");
    expect(resultOf(dir, "cpu_s1").meta.cuda_visible_devices).toBe("");
    expect(s.get("cpu_s1")?.gpu).toBeNull();
  }, 90_000);
});

describe("labgate run waits for GPU memory held by another process", () => {
  it("starts the run once the other tenant frees the memory, never before", async () => {
    const dir = campaignRepo([{ id: "w", mode: "gpu", args: "--gpu-mb 100", vram_mb: 4000 }]);
    const gpusFile = join(tempDir("labgate-fake-gpus-"), "gpus");
    writeFileSync(gpusFile, "0, Fake GPU A, 10000, 8000");
    const env = {
      PATH: `${FAKE_GPU_BIN}:${process.env.PATH}`,
      FAKE_GPUS_FILE: gpusFile,
      FAKE_GPU_DIR: tempDir("labgate-fake-gpu-"),
      LABGATE_GPU_POLL_MS: "100",
    };
    const running = runCli(["run"], dir, env);
    const end = Date.now() + 30_000;
    while (sidecars(dir).get("w_s1")?.status !== "queued" && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000)); // ten polls later...
    // ...still waiting: queued, not started
    expect(sidecars(dir).get("w_s1")).toMatchObject({ status: "queued", started: null });
    const freedAt = Date.now() / 1000;
    writeFileSync(gpusFile, "0, Fake GPU A, 10000, 0");
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "waiting for GPU memory: 1 run(s) do not fit in what is free now (0: 2000 MB)",
    );
    expect(sidecars(dir).get("w_s1")?.status).toBe("done");
    expect(resultOf(dir, "w_s1").meta.started).toBeGreaterThanOrEqual(freedAt);
  }, 60_000);
});
