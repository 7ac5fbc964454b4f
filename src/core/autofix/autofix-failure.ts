/** One failure an auto-fix may answer: a blocking gate reason or a failed run. */
export interface AutofixFailure {
  source: "gate" | "run";
  /** The gate id (`definitions`, `code-review`...) or the run's failure kind (`no-result`...). */
  kind: string;
  /** `labgate/<gate>` or the run id. */
  subject: string;
  /** The gate reason or the run's one-line reason. */
  message: string;
  file?: string;
  line?: number;
  /** The workflow run or check run page. */
  url?: string;
  /** Where the run's log can be read (its workflow run's job, or an artifact). */
  logUrl?: string;
}
