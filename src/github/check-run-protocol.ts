/**
 * The check-run protocol between labgate's app and its action: the check names, what labgate
 * stores in a check run's `external_id`, and which check runs count (docs/security.md, "Gates and
 * approvals"). A check run of one of these names counts only when labgate wrote it: anyone with
 * a token that may write checks (a PR's own workflow with `GITHUB_TOKEN`) can post one.
 */

import { type BudgetPause, isBudgetPause } from "../core/budget/budget-pause.js";

/** The check runs labgate writes, by gate. */
export const CHECK_NAMES = {
  definitions: "labgate/definitions",
  "code-review": "labgate/code-review",
  "design-debate": "labgate/design-debate",
  pilot: "labgate/pilot",
  phase8: "labgate/phase8",
  /** Holds the `/run-pilot` record (`ApprovalRecord` with `phase: "pilot"`), apart from the gates. */
  "pilot-dispatch": "labgate/pilot-dispatch",
} as const;
export type CheckName = (typeof CHECK_NAMES)[keyof typeof CHECK_NAMES];

export const PHASE8_CHECK = CHECK_NAMES.phase8;
export const PILOT_DISPATCH_CHECK = CHECK_NAMES["pilot-dispatch"];

/**
 * Where the record of a phase lives: the full phase's approval on `labgate/phase8`, a pilot's
 * `/run-pilot` on `labgate/pilot-dispatch` (never `labgate/pilot`, the pilot gate's verdict, nor
 * `labgate/phase8`, whose records the app completes, cancels and voids as full approvals).
 */
export function recordCheckOf(phase: ApprovalRecord["phase"]): CheckName {
  return phase === "pilot" ? PILOT_DISPATCH_CHECK : PHASE8_CHECK;
}
export const CODE_REVIEW_CHECK = CHECK_NAMES["code-review"];

/** The GitHub App behind `GITHUB_TOKEN` (`github-actions`): every workflow of a repo writes as it. */
export const GITHUB_ACTIONS_APP_ID = 15368;

/** Who labgate trusts to have written a check run: its own app, or (Actions mode) nobody. */
export interface CheckTrust {
  /**
   * This app's id. `null` where labgate runs as `github-actions` (Actions mode): a PR's own
   * workflow writes as the same app, so no check run can be told apart from a forgery.
   */
  app_id: number | null;
}

/**
 * The trust of a server run by `probot run`: `APP_ID` names this app. Without a usable id nothing
 * is trusted (check runs are then recomputed or ignored, never believed).
 */
export function appTrust(appId: string | number | undefined | null): CheckTrust {
  const id = Number(appId);
  return { app_id: Number.isSafeInteger(id) && id > 0 ? id : null };
}

/** What the trust decision needs of a check run. */
export interface AuthoredCheck {
  app_id: number | null;
}

/** A check run counts only when this app created it (STYLE 17; docs/security.md). */
export function isTrustedCheck(check: AuthoredCheck, trust: CheckTrust): boolean {
  return (
    trust.app_id !== null && trust.app_id !== GITHUB_ACTIONS_APP_ID && check.app_id === trust.app_id
  );
}

/** Keeps the check runs this app wrote. */
export function trustedChecks<C extends AuthoredCheck>(
  checks: readonly C[],
  trust: CheckTrust,
): C[] {
  return checks.filter((c) => isTrustedCheck(c, trust));
}

// ---------------------------------------------------------------------------------------------
// The approval record: the `external_id` of a `labgate/phase8` check run.

const APPROVAL_STATES = [
  "dispatching",
  "approved",
  "dispatch-failed",
  "cancelled",
  "voided",
  "completed",
] as const;

/**
 * The approval of a phase, stored on GitHub itself — in the `external_id` of the `labgate/phase8`
 * check run (full phase, `/approve-phase8`) or the `labgate/pilot-dispatch` check run (pilot,
 * `/run-pilot`) of the commit it applies to (`recordCheckOf`) — so a restarted server (or the
 * dispatch workflow's plan step) finds it again without a database of its own.
 */
export interface ApprovalRecord {
  v: 1;
  pr: number;
  /** The approved commit: what the dispatch runs. */
  sha: string;
  phase: "full" | "pilot";
  /** A pilot of one stage (`/run-pilot <stage>`); absent: stage by stage. */
  stage?: number;
  by: string;
  at: string;
  /**
   * dispatching: approved, and the dispatch may or may not have reached GitHub (written before the
   * dispatch, so a process that dies in between leaves a record the next look completes);
   * approved: dispatched and not finished; dispatch-failed / cancelled / voided: no longer holds.
   */
  state: (typeof APPROVAL_STATES)[number];
  /**
   * The approving `/approve-phase8` (or `/run-pilot`) comment, so the plan step can read it back
   * and check its author.
   */
  comment_id?: number;
  /**
   * The GPU-hour budget this record approves the campaign for (docs/approval.md, "The budget"):
   * the definitions' or the config's `budget.gpu_hours` when the approval was given, or the
   * approver's own `budget=N`. Absent: none set (or a record written before budgets were
   * recorded): the plan step then holds the campaign to the definitions' or config's budget. Of
   * the records of one approval, the largest counts (`approvedBudget`).
   */
  budget_gpu_hours?: number;
  /** Where `budget_gpu_hours` came from: the approver's `budget=N`, the definitions or the config. */
  budget_from?: (typeof BUDGET_SOURCES)[number];
  /**
   * The chain of waves paused before this wave because the budget did not cover it (the plan
   * step's refusal, read back by the app): a larger budget (`/approve-phase8 budget=N`) starts it
   * again.
   */
  paused?: BudgetPause;
}

const BUDGET_SOURCES = ["approver", "definitions", "config"] as const;

const APPROVAL_PREFIX = "labgate-approval:";

export function encodeApproval(r: ApprovalRecord): string {
  return prefixedJson(APPROVAL_PREFIX, r);
}

/**
 * The check-run fields that hold `record` on commit `sha`: the check of its phase
 * (`recordCheckOf`) and the record itself as the `external_id`.
 */
export function approvalRecordCheck(
  sha: string,
  record: ApprovalRecord,
): { name: CheckName; head_sha: string; external_id: string } {
  return { name: recordCheckOf(record.phase), head_sha: sha, external_id: encodeApproval(record) };
}

export function decodeApproval(externalId: string | null | undefined): ApprovalRecord | undefined {
  const r = fromPrefixedJson<ApprovalRecord>(APPROVAL_PREFIX, externalId);
  if (
    r === undefined ||
    r.v !== 1 ||
    typeof r.pr !== "number" ||
    typeof r.sha !== "string" ||
    typeof r.by !== "string" ||
    !APPROVAL_STATES.includes(r.state as ApprovalRecord["state"]) ||
    (r.phase !== "full" && r.phase !== "pilot") ||
    (r.stage !== undefined && !Number.isInteger(r.stage)) ||
    (r.comment_id !== undefined && !Number.isInteger(r.comment_id)) ||
    (r.budget_gpu_hours !== undefined &&
      !(
        typeof r.budget_gpu_hours === "number" &&
        Number.isFinite(r.budget_gpu_hours) &&
        r.budget_gpu_hours > 0
      )) ||
    (r.budget_from !== undefined &&
      !BUDGET_SOURCES.includes(r.budget_from as (typeof BUDGET_SOURCES)[number])) ||
    (r.paused !== undefined && !isBudgetPause(r.paused))
  )
    return undefined;
  return r as ApprovalRecord;
}

/**
 * An approval that still stands: it blocks a second approval of the same (PR, SHA, phase). A
 * `dispatching` one stands too (the plan step may already be running its dispatch); whoever finds
 * it completes it: marks it `approved` when the dispatch run exists, else dispatches.
 */
export function holds(r: ApprovalRecord | undefined): r is ApprovalRecord {
  return (
    r !== undefined &&
    (r.state === "dispatching" || r.state === "approved" || r.state === "completed")
  );
}

/**
 * The records of the approval of one (PR, SHA) that is still open, oldest first: those after the
 * newest record that no longer holds. `/cancel` and a void close an approval with a newer record
 * (a failed dispatch updates its own), so after one, the earlier records stand for nothing and a
 * new `/approve-phase8` of the same SHA starts afresh. `records` are one author's, oldest first.
 */
export function openRecords<T extends { record: ApprovalRecord }>(records: readonly T[]): T[] {
  let closedAt = -1;
  records.forEach((r, i) => {
    if (!holds(r.record)) closedAt = i;
  });
  return records.slice(closedAt + 1);
}

/**
 * The GPU-hour budget the records of one approval allow: the largest any of them records (a later
 * `/approve-phase8 budget=N` adds a record with a larger one), or undefined when none records one.
 */
export function approvedBudget(records: readonly ApprovalRecord[]): number | undefined {
  let budget: number | undefined;
  for (const r of records)
    if (r.budget_gpu_hours !== undefined && (budget === undefined || r.budget_gpu_hours > budget))
      budget = r.budget_gpu_hours;
  return budget;
}

/**
 * An approval the dispatch plan step may still plan: `dispatching` or `approved`. A `completed`
 * one holds (it blocks a duplicate approval) but its run already happened: an approval runs once,
 * so a hand-made dispatch of it plans nothing (docs/security.md).
 */
export function plannable(r: ApprovalRecord | undefined): r is ApprovalRecord {
  return holds(r) && r.state !== "completed";
}

// ---------------------------------------------------------------------------------------------
// The code-review state: the `external_id` of a `labgate/code-review` check run.

const DRY_RUN_STATES = ["pending", "passed", "failed", "fork"] as const;

/**
 * Where the `--dry-run` part of code review stands on a `labgate/code-review` check run:
 * `pending` (the static part only; the dry-run is reported later), `passed` / `failed` (the
 * dry-run report), `fork` (a fork PR: the dry-run report cannot be written back).
 */
export interface CodeReviewState {
  v: 1;
  dry_run: (typeof DRY_RUN_STATES)[number];
}

const CODE_REVIEW_PREFIX = "labgate-code-review:";

export function encodeCodeReviewState(s: CodeReviewState): string {
  return prefixedJson(CODE_REVIEW_PREFIX, { v: s.v, dry_run: s.dry_run });
}

export function decodeCodeReviewState(
  externalId: string | null | undefined,
): CodeReviewState | undefined {
  const s = fromPrefixedJson<CodeReviewState>(CODE_REVIEW_PREFIX, externalId);
  if (s === undefined || s.v !== 1) return undefined;
  if (!DRY_RUN_STATES.includes(s.dry_run as CodeReviewState["dry_run"])) return undefined;
  return { v: 1, dry_run: s.dry_run as CodeReviewState["dry_run"] };
}

// ---------------------------------------------------------------------------------------------
// An `external_id` labgate writes: a prefix naming what it holds, then the record as JSON.

function prefixedJson(prefix: string, record: object): string {
  return `${prefix}${JSON.stringify(record)}`;
}

/** The JSON object after `prefix`, its fields still to be checked; undefined for anything else. */
function fromPrefixedJson<T>(
  prefix: string,
  externalId: string | null | undefined,
): Partial<T> | undefined {
  if (!externalId?.startsWith(prefix)) return undefined;
  try {
    const value: unknown = JSON.parse(externalId.slice(prefix.length));
    return typeof value === "object" && value !== null ? (value as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}
