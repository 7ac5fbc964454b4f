import { describe, expect, it } from "vitest";
import { GpuMonitor } from "../../src/operations/runner/gpu-monitor.js";

describe("GpuMonitor.slots", () => {
  it("gives placement each run's reserved memory and expected hours left", () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const monitor = new GpuMonitor(
      [
        { index: 0, name: "A", total_mb: 24000, used_mb: 1000 },
        { index: 1, name: "A", total_mb: 24000, used_mb: 0 },
      ],
      {},
      3_600_000, // no poll during the test
      () => now,
    );
    monitor.track("a", 0, 10000, 2);
    now += 30 * 60_000; // half an hour later
    monitor.track("b", 0, 1000, 0.25);
    now += 30 * 60_000; // "b" has overrun its estimate by 15 minutes
    const slots = monitor.slots();
    monitor.stop();
    expect(slots).toEqual([
      {
        index: 0,
        total_mb: 24000,
        free_mb: 24000 - 1000 - 12000 - 1200, // another tenant's 1000 MB, then our reservations
        running: [
          { need_mb: 12000, remaining_hours: 1 },
          { need_mb: 1200, remaining_hours: 0 },
        ],
      },
      { index: 1, total_mb: 24000, free_mb: 24000, running: [] },
    ]);
  });
});
