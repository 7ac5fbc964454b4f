/**
 * The approval of a phase, stored on GitHub itself — in the `external_id` of the `labgate/phase8`
 * check run of the commit it applies to — so a restarted server (or the next Actions-mode job)
 * finds it again without a database of its own.
 */
export interface ApprovalRecord {
  v: 1;
  pr: number;
  /** The approved commit: what the dispatch runs. */
  sha: string;
  phase: "full";
  by: string;
  at: string;
  /** approved: dispatched and not finished; dispatch-failed / cancelled / voided: no longer holds. */
  state: "approved" | "dispatch-failed" | "cancelled" | "voided" | "completed";
}

export const PHASE8_CHECK = "labgate/phase8";
const PREFIX = "labgate-approval:";

export function encodeApproval(r: ApprovalRecord): string {
  return `${PREFIX}${JSON.stringify(r)}`;
}

export function decodeApproval(externalId: string | null | undefined): ApprovalRecord | undefined {
  if (!externalId?.startsWith(PREFIX)) return undefined;
  try {
    const r = JSON.parse(externalId.slice(PREFIX.length)) as Partial<ApprovalRecord>;
    if (
      r.v !== 1 ||
      typeof r.pr !== "number" ||
      typeof r.sha !== "string" ||
      typeof r.by !== "string"
    )
      return undefined;
    return r as ApprovalRecord;
  } catch {
    return undefined;
  }
}

/** An approval that still stands: it blocks a second dispatch of the same (PR, SHA, phase). */
export function holds(r: ApprovalRecord | undefined): r is ApprovalRecord {
  return r !== undefined && (r.state === "approved" || r.state === "completed");
}
