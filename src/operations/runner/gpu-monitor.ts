import type { Gpu } from "../../core/placement/gpu.js";
import type { GpuSlot } from "../../core/placement/place-runs.js";
import { VRAM_HEADROOM } from "../../core/plan/match-pool.js";
import { queryComputeApps, queryGpus } from "../../exec/nvidia-smi.js";
import { processTree } from "../../exec/process-tree.js";

interface Tracked {
  gpu: number;
  pid: number | null;
  /** What placement set aside for it: vram_mb x 1.2. */
  reserve: number;
  /** When it started (ms since the epoch) and how long it is expected to take. */
  startedMs: number;
  expectedHours: number;
  current: number;
  peak: number;
}

/**
 * Live view of the machine's GPUs for the runner: free memory for placement and each run's peak
 * memory (docs/runners.md, issue 3). Free memory on a GPU = total − memory used by other tenants − what
 * our running runs reserved, so a run that has not allocated yet still counts and nothing is
 * overcommitted while a newly started run warms up.
 */
export class GpuMonitor {
  private gpus: Gpu[];
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    gpus: Gpu[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly pollMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.gpus = gpus;
  }

  get list(): readonly Gpu[] {
    return this.gpus;
  }

  label(index: number): string {
    const g = this.gpus.find((x) => x.index === index);
    return g ? `${g.index}:${g.name}` : String(index);
  }

  track(runId: string, gpu: number, vramMb: number, expectedHours: number): void {
    this.tracked.set(runId, {
      gpu,
      pid: null,
      reserve: vramMb * VRAM_HEADROOM,
      startedMs: this.nowMs(),
      expectedHours,
      current: 0,
      peak: 0,
    });
    this.ensurePolling();
  }

  setPid(runId: string, pid: number | undefined): void {
    const t = this.tracked.get(runId);
    if (t && pid !== undefined) t.pid = pid;
  }

  /** Stops tracking the run and returns its peak memory (MB), or null if none was seen. */
  release(runId: string): number | null {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (this.tracked.size === 0) this.stopPolling();
    return t && t.peak > 0 ? t.peak : null;
  }

  /** Each GPU's free memory, with our runs on it and the hours each is expected to have left. */
  slots(): GpuSlot[] {
    const now = this.nowMs();
    return this.gpus.map((g) => {
      let ours = 0;
      let reserved = 0;
      const running = [];
      for (const t of this.tracked.values())
        if (t.gpu === g.index) {
          ours += t.current;
          reserved += t.reserve;
          const elapsedHours = (now - t.startedMs) / 3_600_000;
          running.push({
            need_mb: t.reserve,
            remaining_hours: Math.max(0, t.expectedHours - elapsedHours),
          });
        }
      const others = Math.max(0, g.used_mb - ours);
      return {
        index: g.index,
        total_mb: g.total_mb,
        free_mb: g.total_mb - others - reserved,
        running,
      };
    });
  }

  /** One poll: GPUs' used memory and every tracked run's current usage (its process tree). */
  async poll(): Promise<void> {
    // Our processes first, the GPUs' used memory after: memory a run allocates between the two
    // reads then shows as another tenant's for one poll (waiting a little too long), never the
    // reverse. Read in parallel, a GPU read taken before a run allocated, with a process read
    // taken after, cancelled the other tenants' memory out and let a run overcommit the GPU.
    const apps = await queryComputeApps(this.env);
    const gpus = await queryGpus(this.env);
    if (gpus) this.gpus = gpus;
    for (const t of this.tracked.values()) {
      if (t.pid === null) continue;
      let used = 0;
      for (const pid of await processTree(t.pid)) used += apps.get(pid) ?? 0;
      t.current = used;
      t.peak = Math.max(t.peak, used);
    }
  }

  /** Waits for the poll in flight, so a finished run's last reading is in. */
  async settle(): Promise<void> {
    await this.polling;
  }

  stop(): void {
    this.stopPolling();
  }

  private ensurePolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.poll()
        .catch(() => undefined)
        .finally(() => {
          this.polling = undefined;
        });
    }, this.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
