import { describe, expect, it } from "vitest";
import { parseNvidiaSmi } from "../../src/core/placement/gpu.js";
import { placeRuns } from "../../src/core/placement/place-runs.js";
import { simulatePlacement } from "../../src/core/placement/simulate-placement.js";

describe("parseNvidiaSmi", () => {
  it("reads the docs/runners.md query and skips lines that do not parse", () => {
    const text =
      "0, NVIDIA A100-SXM4-80GB, 81920, 1024\n1, NVIDIA A100-SXM4-80GB, 81920, [N/A]\nWARNING: infoROM is corrupted\n";
    expect(parseNvidiaSmi(text)).toEqual([
      { index: 0, name: "NVIDIA A100-SXM4-80GB", total_mb: 81920, used_mb: 1024 },
    ]);
  });
});

describe("placeRuns", () => {
  const gpu = (index: number, free_mb: number, total_mb = 24000) => ({ index, total_mb, free_mb });

  it("starts a run only where free >= vram x 1.2 and packs several on a GPU", () => {
    const d = placeRuns(
      [gpu(0, 24000)],
      [
        { id: "a", vram_mb: 10000, expected_hours: 2 },
        { id: "b", vram_mb: 9000, expected_hours: 1 },
      ],
    );
    // a needs 12000, b needs 10800: both fit in 24000
    expect(d.start).toEqual([
      { id: "a", gpu: 0 },
      { id: "b", gpu: 0 },
    ]);
    const tight = placeRuns([gpu(0, 11999)], [{ id: "a", vram_mb: 10000, expected_hours: 1 }]);
    expect(tight.start).toEqual([]);
  });

  it("never overcommits: a run that does not fit waits", () => {
    const d = placeRuns(
      [gpu(0, 15000), gpu(1, 15000)],
      [
        { id: "a", vram_mb: 10000, expected_hours: 1 },
        { id: "b", vram_mb: 10000, expected_hours: 1 },
        { id: "c", vram_mb: 10000, expected_hours: 1 },
      ],
    );
    expect(d.start.map((p) => p.id)).toEqual(["a", "b"]);
    expect(new Set(d.start.map((p) => p.gpu)).size).toBe(2);
  });

  it("fails runs no GPU could ever hold", () => {
    expect(
      placeRuns([gpu(0, 24000)], [{ id: "huge", vram_mb: 40000, expected_hours: 1 }]).never,
    ).toEqual(["huge"]);
  });

  it("reserves a GPU for a blocked large run instead of backfilling it with small ones", () => {
    const d = placeRuns(
      [gpu(0, 20000), gpu(1, 5000)],
      [
        { id: "large", vram_mb: 18000, expected_hours: 5 },
        { id: "small", vram_mb: 1000, expected_hours: 1 },
      ],
    );
    expect(d.start).toEqual([{ id: "small", gpu: 1 }]);
  });

  it("backfills a held GPU only with runs that end before the held run can start", () => {
    // GPU 0: 16000 MB taken by a run with 2 h left; the large run (needs 23400) waits for it.
    const held = {
      index: 0,
      total_mb: 24000,
      free_mb: 8000,
      running: [{ need_mb: 16000, remaining_hours: 2 }],
    };
    const d = placeRuns(
      [held],
      [
        { id: "large", vram_mb: 19500, expected_hours: 5 },
        { id: "short", vram_mb: 1000, expected_hours: 1.5 },
        { id: "long", vram_mb: 1000, expected_hours: 3 },
      ],
    );
    // "short" ends before hour 2; "long" would still hold 1200 MB then (24000 - 1200 < 23400).
    expect(d.start).toEqual([{ id: "short", gpu: 0 }]);
  });

  it("backfills a long run on a held GPU when it leaves room for the held run", () => {
    const d = placeRuns(
      [
        {
          index: 0,
          total_mb: 24000,
          free_mb: 8000,
          running: [{ need_mb: 16000, remaining_hours: 2 }],
        },
      ],
      [
        { id: "large", vram_mb: 15000, expected_hours: 5 }, // needs 18000: fits at hour 2
        { id: "long", vram_mb: 4000, expected_hours: 9 }, // 4800: 24000-4800 >= 18000
        { id: "no-room", vram_mb: 5000, expected_hours: 0.5 }, // 6000 > the 3200 left after "long"
      ],
    );
    expect(d.start).toEqual([{ id: "long", gpu: 0 }]);
  });

  it("holds the GPU where the blocked run can start soonest", () => {
    const d = placeRuns(
      [
        {
          index: 0,
          total_mb: 24000,
          free_mb: 4000,
          running: [{ need_mb: 20000, remaining_hours: 6 }],
        },
        {
          index: 1,
          total_mb: 24000,
          free_mb: 4000,
          running: [{ need_mb: 20000, remaining_hours: 1 }],
        },
      ],
      [
        { id: "large", vram_mb: 15000, expected_hours: 5 },
        { id: "small", vram_mb: 2000, expected_hours: 3 },
      ],
    );
    // GPU 1 frees in 1 h, so it is held for "large"; "small" (3 h) goes on GPU 0.
    expect(d.start).toEqual([{ id: "small", gpu: 0 }]);
  });

  it("puts a run where it fits most tightly", () => {
    const d = placeRuns(
      [gpu(0, 20000), gpu(1, 13000)],
      [{ id: "a", vram_mb: 10000, expected_hours: 1 }],
    );
    expect(d.start).toEqual([{ id: "a", gpu: 1 }]);
  });
});

describe("simulatePlacement", () => {
  it("packs small runs several per GPU", () => {
    const runs = Array.from({ length: 8 }, (_, i) => ({
      id: `r${i}`,
      vram_mb: 4000,
      expected_hours: 1,
    }));
    const r = simulatePlacement(
      [
        { index: 0, total_mb: 24000 },
        { index: 1, total_mb: 24000 },
      ],
      runs,
    );
    expect(r.makespan_hours).toBe(1); // 5 fit per GPU (4800 each)
  });

  it("plans by expected hours but runs take their actual hours", () => {
    const gpus = [{ index: 0, total_mb: 24000 }];
    const r = simulatePlacement(gpus, [
      { id: "a", vram_mb: 15000, expected_hours: 1, actual_hours: 3 },
      { id: "b", vram_mb: 15000, expected_hours: 1 },
    ]);
    expect(r.makespan_hours).toBe(4);
    expect(r.schedule.get("b")).toEqual({ start: 3, gpu: 0 });
  });
});
