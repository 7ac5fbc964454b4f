/** The PR checks labgate runs (docs/gates.md). The check run's name is `labgate/<gate>`. */
export const GATES = ["definitions", "code-review", "design-debate", "pilot"] as const;
export type GateId = (typeof GATES)[number];

export interface VerdictReason {
  severity: "blocking" | "warning" | "info";
  message: string;
  /** Repo-relative path, line and column when the reason points at a place in a file. */
  file?: string;
  line?: number;
  column?: number;
  /** Which reviewer raised it (design debate: "skeptic", "completionist", ...). */
  role?: string;
}

/**
 * What every gate returns: a pure function of the PR's files (and facts such as dry-run
 * outcomes or pilot results). Same input, same verdict, byte-identical rendering.
 */
export interface Verdict {
  gate: GateId;
  /** Maps onto a check run conclusion: success | failure | neutral (nothing to judge yet). */
  conclusion: "success" | "failure" | "neutral";
  /** The gate's own word: e.g. VALID, CODE_APPROVED / CODE_REVISE, PASS / REVISE / REJECT, PROCEED / ITERATE / ROLLBACK. */
  label: string;
  /** One-line summary shown in the check title and the dashboard. */
  summary: string;
  reasons: VerdictReason[];
  /** Gate-specific structured details (per-role verdicts, pilot table...). */
  details?: unknown;
  /** Tables every renderer shows after the reasons (the debate's roles, the pilot results...). */
  tables?: VerdictTable[];
}

/** A plain table of text cells, so renderers need no gate-specific knowledge. */
export interface VerdictTable {
  title: string;
  header: string[];
  rows: string[][];
}
