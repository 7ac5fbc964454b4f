import {
  type ApprovalRecord,
  decodeApproval,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import { type CheckRunInfo, listCheckRuns } from "../../github/check-runs.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";

export interface FoundApproval {
  record: ApprovalRecord;
  check: CheckRunInfo;
}

/** Approval records on a commit's `labgate/phase8` check runs, oldest first (the first one wins). */
export function approvalsIn(checks: readonly CheckRunInfo[], pr?: number): FoundApproval[] {
  const out: FoundApproval[] = [];
  for (const check of checks) {
    if (check.name !== PHASE8_CHECK) continue;
    const record = decodeApproval(check.external_id);
    if (record && (pr === undefined || record.pr === pr)) out.push({ record, check });
  }
  return out.sort((a, b) => a.check.id - b.check.id);
}

/** The newest approval record on a commit, if any. */
export async function latestApproval(
  octokit: OctokitLike,
  repo: RepoRef,
  sha: string,
  pr?: number,
): Promise<FoundApproval | undefined> {
  const found = approvalsIn(await listCheckRuns(octokit, repo, sha, PHASE8_CHECK), pr);
  return found.at(-1);
}
