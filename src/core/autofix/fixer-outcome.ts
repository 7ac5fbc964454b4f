import type { AutofixFailure } from "./autofix-failure.js";

/** What one fixer did in the worktree. */
export interface FixerOutcome {
  name: string;
  status: "changed" | "unchanged" | "failed" | "timed-out";
  /** Exit code, signal, or why it could not run; empty on success. */
  detail: string;
  durationMs: number;
  /** Repo-relative files it changed. */
  files: string[];
  /** The failures it was run for. */
  answers: AutofixFailure[];
}
