import {
  type ApprovalRecord,
  encodeApproval,
  recordCheckOf,
} from "../../../src/github/check-run-protocol.js";

/**
 * What the plan step's Actions-mode tests share: no labgate App is installed, so records are
 * written by `github-actions` (as a PR's own workflow can write too) and count only on the
 * evidence behind them (docs/security.md, "The dispatch plans only what was approved").
 */
export const GITHUB_ACTIONS = { id: 15368, slug: "github-actions" };
export const PR = 7;
export const BRANCH = "feature";
export const OLDER = "1111111111111111111111111111111111111111";
export const GATES_RUN = 900;

/**
 * A record on `sha` written with a workflow's GITHUB_TOKEN, on the check its phase uses
 * (`labgate/phase8` or `labgate/pilot-dispatch`): alice's, naming comment 55.
 */
export function actionsRecord(id: number, sha: string, record: Partial<ApprovalRecord> = {}) {
  const full: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha,
    phase: "full",
    by: "alice",
    at: "2026-11-30T12:00:05Z",
    state: "approved",
    comment_id: 55,
    ...record,
  };
  return {
    id,
    name: recordCheckOf(full.phase),
    head_sha: sha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(full),
    app: { id: GITHUB_ACTIONS.id, slug: GITHUB_ACTIONS.slug },
    output: { title: `Approved by @${full.by}`, summary: "" },
  };
}
