import type { DispatchState, RunStatus } from "../../core/state/state-entry.js";
import type { ResultsTarget } from "../write-results.js";

/** What the results commit's message says (docs/results.md): a summary line, then the trailers. */
export interface ResultsCommitSummary {
  project: string;
  counts: Partial<Record<RunStatus, number>>;
  /** The commits the results came from; the committer's fallback source when none is recorded. */
  sourceCommits: readonly string[];
  /** Workflow run URL, or `local:<host>`: the `Labgate-Run` trailer. */
  runUrl: string;
}

/** What a results commit is built on: the state there, and where the files go. */
export interface ResultsBase {
  /** `dispatch/state.json` as the base holds it; undefined when it holds none yet. */
  state: DispatchState | undefined;
  /** What reading it reported (a malformed state recovered from an earlier commit). */
  warnings: string[];
  /** Where the files are written: the checkout, or memory for an API commit. */
  target: ResultsTarget;
  /**
   * "when-elsewhere": the runs' result files already lie at their committed paths (a checkout the
   * runner wrote into); "always": every one is written through `target`.
   */
  copyRunFiles: "always" | "when-elsewhere";
}

/** What the build wrote, and whether to commit it. */
export interface ResultsBuild {
  /** Every file written through the target (repo-relative), state.json first. */
  files: string[];
  /** Result files under the results folder that the commit leaves out (they were refused). */
  exclude: readonly string[];
  summary: ResultsCommitSummary;
  /** False: keep what was written, commit nothing (not asked for, or nothing worth a commit). */
  commit: boolean;
}

export interface ResultsCommit {
  /** The new commit; undefined when nothing was committed (the results were already there). */
  sha: string | undefined;
  /** Builds made: 1, or more where the branch moved under the commit and it was rebuilt. */
  attempts: number;
  /** GitHub API requests the commit took, the state reads included (0 for a local commit). */
  requests: number;
}

/**
 * Where a results commit goes (the way release-please puts GitHub and a local clone behind one
 * `Scm`): a commit in the local checkout (`localResultsCommitter`, commit-results.ts), or one
 * made through the Git Data API on a branch (`gitDataResultsCommitter`). The aggregate
 * (aggregate.ts) runs on either.
 */
export interface ResultsCommitter {
  /**
   * Reads the state on the base the commit goes on, runs `build` there, and commits every file it
   * wrote as ONE commit with the provenance trailers: nothing else, each path checked to lie under
   * the results or the dispatch folder first (src/core/paths/commit-path.ts). Where the branch
   * moves meanwhile, `build` runs again on the new base. `build`'s `commit: false` commits nothing.
   */
  commit(build: (base: ResultsBase) => Promise<ResultsBuild>): Promise<ResultsCommit>;
}

/** A results commit writes only under these folders: the results and the dispatch folder. */
export const commitRoots = (dirs: { results_dir: string; dispatch_dir: string }) => [
  dirs.results_dir,
  dirs.dispatch_dir,
];
