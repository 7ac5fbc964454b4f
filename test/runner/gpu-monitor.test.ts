import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GpuMonitor } from "../../src/operations/runner/gpu-monitor.js";
import { tempDir } from "../helpers/temp-dir.js";

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

describe("GpuMonitor.poll", () => {
  it("never counts another tenant's memory as free when a run allocates between its two reads", async () => {
    // A fake nvidia-smi whose first call (of either kind) sees the GPU before our run allocated
    // (another tenant's 500 MB) and every later call after (500 + our 3000 MB).
    const dir = tempDir("labgate-gpu-race-");
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "nvidia-smi"),
      `#!/bin/sh
if mkdir "${dir}/first" 2>/dev/null; then used=500; app=""; else used=3500; app="${process.pid}, 3000"; fi
case "$1" in
  --query-gpu=*) echo "0, Fake GPU, 10000, $used" ;;
  --query-compute-apps=*) [ -n "$app" ] && echo "$app" ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    const monitor = new GpuMonitor(
      [{ index: 0, name: "Fake GPU", total_mb: 10000, used_mb: 500 }],
      { PATH: `${bin}:${process.env.PATH}` },
      3_600_000,
    );
    monitor.track("a", 0, 4000, 1); // reserves 4800 MB
    monitor.setPid("a", process.pid);
    await monitor.poll();
    const [slot] = monitor.slots();
    monitor.stop();
    // Truly free: 10000 - 500 (tenant) - 4800 (our reservation) = 4700. Less is safe, more is not.
    expect(slot?.free_mb).toBeLessThanOrEqual(4700);
  });
});
