import type { ApprovalView } from "../dashboard/dashboard-model.js";
import type { FoundApproval } from "./find-approval.js";
import { budgetPausedLine } from "./pause-phase8.js";

/** What the dashboard says about the approval found on the head commit. */
export function approvalView(found: FoundApproval | undefined): ApprovalView {
  if (!found) return { kind: "none" };
  const r = found.record;
  switch (r.state) {
    case "dispatching":
    case "approved": {
      const line = budgetPausedLine(r);
      const paused = r.paused && line ? { wave: r.paused.wave, line } : undefined;
      return { kind: "approved", by: r.by, at: r.at, sha: r.sha, ...(paused ? { paused } : {}) };
    }
    case "completed":
      return {
        kind: "completed",
        by: r.by,
        sha: r.sha,
        conclusion: found.check.conclusion ?? "done",
      };
    case "voided":
      return { kind: "voided", by: r.by, sha: r.sha, reason: "code changed after the approval." };
    default:
      return { kind: "none" };
  }
}
