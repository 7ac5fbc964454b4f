import type { InboxStats } from "./inbox-store.js";

export interface HealthReport {
  status: "ok";
  inbox: {
    /** Deliveries stored and not finished (in progress included). */
    depth: number;
    in_progress: number;
    /** Seconds since the oldest unfinished delivery was received; 0 when none. */
    oldest_unfinished_age_s: number;
    /** Deliveries that ended failed (shown on their PR) still in the store. */
    failed: number;
  };
}

/** What `/healthz` answers, from the inbox's figures (no I/O). */
export function healthReport(s: InboxStats, inProgress: number, now: number): HealthReport {
  return {
    status: "ok",
    inbox: {
      depth: s.depth,
      in_progress: inProgress,
      oldest_unfinished_age_s:
        s.oldestReceivedAt === undefined
          ? 0
          : Math.max(0, Math.round((now - s.oldestReceivedAt) / 1000)),
      failed: s.failed,
    },
  };
}
