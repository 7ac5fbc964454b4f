import type { SimpleGit } from "simple-git";
import { sameResults } from "../core/results/without-stamps.js";
import type { RunStatus } from "../core/state/state-entry.js";
import { commitPaths } from "../git/commit-paths.js";
import { messageWithTrailers, RUN_TRAILER, SOURCE_COMMIT_TRAILER } from "../git/trailers.js";

export interface CommitResultsInput {
  /** Repo-relative paths the commit holds: the results dir and dispatch/state.json. */
  paths: readonly string[];
  project: string;
  counts: Partial<Record<RunStatus, number>>;
  /** The commits the results came from; HEAD when no run recorded one. */
  sourceCommits: readonly string[];
  /** Workflow run URL, or `local:<host>`. */
  runUrl: string;
  /** Paths under `paths` the commit leaves out: result files that were refused. */
  exclude?: readonly string[];
}

/** The results commit's message (SPEC §5): a summary, then the provenance trailers, last. */
export function resultsCommitMessage(
  input: Omit<CommitResultsInput, "paths" | "exclude">,
  head: string,
): string {
  const counts = Object.entries(input.counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
    .join(", ");
  const sources = input.sourceCommits.length > 0 ? input.sourceCommits : [head];
  return messageWithTrailers(
    `labgate: results of ${input.project}${counts ? ` (${counts})` : ""}`,
    "Written by `labgate aggregate`: all_results.csv, aggregated.csv/.json, README.md with the design table and chart, provenance.json, runs/, and dispatch/state.json.",
    [
      ...sources.map((s) => [SOURCE_COMMIT_TRAILER, s] as const),
      [RUN_TRAILER, input.runUrl] as const,
    ],
  );
}

/**
 * Commits every output in ONE commit (SPEC §9), touching nothing else the user has staged.
 * Returns its sha, or undefined when the outputs did not change since the last results commit but
 * for the times they were written at (those files are then put back as committed).
 */
export async function commitResults(
  git: SimpleGit,
  input: CommitResultsInput,
): Promise<string | undefined> {
  const head = (await git.revparse(["HEAD"])).trim();
  return commitPaths(git, input.paths, resultsCommitMessage(input, head), {
    exclude: input.exclude,
    equivalent: sameResults,
  });
}
