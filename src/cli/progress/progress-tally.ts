import {
  emptyStatusCounts,
  type RunStatus,
  type StateEntry,
} from "../../core/state/state-entry.js";

/** Counts, running runs and an ETA, kept from the runner's events. */
export class ProgressTally {
  total = 0;
  skipped = 0;
  slots = 1;
  readonly running = new Map<string, { entry: StateEntry; since: number }>();
  readonly finished: Record<RunStatus, number> = emptyStatusCounts();
  private measuredMs = 0;
  private measuredRuns = 0;

  start(entry: StateEntry, now: number): void {
    this.running.set(entry.id, { entry, since: now });
  }

  finish(entry: StateEntry): void {
    this.running.delete(entry.id);
    this.finished[entry.status]++;
    if ((entry.status === "done" || entry.status === "failed") && entry.duration_hours) {
      this.measuredMs += entry.duration_hours * 3_600_000;
      this.measuredRuns++;
    }
  }

  get ended(): number {
    return (
      this.finished.done + this.finished.failed + this.finished.on_hold + this.finished.cancelled
    );
  }

  get queued(): number {
    return Math.max(0, this.total - this.skipped - this.ended - this.running.size);
  }

  /**
   * Time left: runs left x the mean measured duration so far (unknown until a run has
   * finished), spread over the slots that the runs left can fill.
   */
  etaMs(): number | null {
    const left = this.queued + this.running.size;
    if (left === 0) return 0;
    if (this.measuredRuns === 0) return null;
    const mean = this.measuredMs / this.measuredRuns;
    const width = Math.max(1, Math.min(this.slots, left));
    return (left * mean) / width;
  }
}
