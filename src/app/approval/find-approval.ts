import {
  type ApprovalRecord,
  type CheckTrust,
  decodeApproval,
  GITHUB_ACTIONS_APP_ID,
  isTrustedCheck,
  PHASE8_CHECK,
} from "../../github/check-run-protocol.js";
import { type CheckRunInfo, listCheckRuns } from "../../github/check-runs.js";
import type { EventDeps } from "../event-deps.js";

export interface FoundApproval {
  record: ApprovalRecord;
  check: CheckRunInfo;
}

/**
 * Whether an approval record's check run counts: only when this app wrote it, so a record forged
 * by anyone else neither blocks a real approval nor stands for one (docs/security.md). In Actions
 * mode labgate writes as `github-actions`, like every workflow of the repository: records by that
 * app count there, and a forged one can only make labgate refuse to dispatch, never dispatch.
 */
export function isTrustedRecord(check: CheckRunInfo, trust: CheckTrust): boolean {
  return trust.app_id === null
    ? check.app_id === GITHUB_ACTIONS_APP_ID
    : isTrustedCheck(check, trust);
}

/** Trusted approval records on a commit's `labgate/phase8` check runs, oldest first (the first one wins). */
export function approvalsIn(
  checks: readonly CheckRunInfo[],
  trust: CheckTrust,
  pr?: number,
): FoundApproval[] {
  const out: FoundApproval[] = [];
  for (const check of checks) {
    if (check.name !== PHASE8_CHECK || !isTrustedRecord(check, trust)) continue;
    const record = decodeApproval(check.external_id);
    if (record && (pr === undefined || record.pr === pr)) out.push({ record, check });
  }
  return out.sort((a, b) => a.check.id - b.check.id);
}

/** The newest trusted approval record on a commit, if any. */
export async function latestApproval(
  deps: Pick<EventDeps, "octokit" | "repo" | "trust">,
  sha: string,
  pr?: number,
): Promise<FoundApproval | undefined> {
  const checks = await listCheckRuns(deps.octokit, deps.repo, sha, PHASE8_CHECK);
  return approvalsIn(checks, deps.trust, pr).at(-1);
}
