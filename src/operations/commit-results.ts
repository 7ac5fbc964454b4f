import type { Config } from "../core/config/config-schema.js";
import { assertCommitPaths } from "../core/paths/commit-path.js";
import { statePath } from "../core/paths/layout.js";
import { sameResults } from "../core/results/without-stamps.js";
import { asGitRepo, type GitRepo } from "../git/git-repo.js";
import { messageWithTrailers, RUN_TRAILER, SOURCE_COMMIT_TRAILER } from "../git/trailers.js";
import { readStateFile } from "./dispatch-state-store.js";
import {
  commitRoots,
  type ResultsCommitSummary,
  type ResultsCommitter,
} from "./results/results-committer.js";
import { diskTarget } from "./write-results.js";

/** The results commit's message (docs/results.md): a summary, then the provenance trailers, last. */
export function resultsCommitMessage(input: ResultsCommitSummary, head: string): string {
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
 * The results committed in the local checkout: the base is the checkout's `dispatch/state.json`
 * (a malformed one recovered from HEAD), the files are written into the checkout atomically, and
 * ONE commit of the results folder and state.json is made (docs/results.md), touching nothing else the
 * user has staged. When the outputs did not change since the last results commit but for the
 * times they were written at, nothing is committed and those files are put back as committed.
 */
export function localResultsCommitter(deps: {
  git: GitRepo;
  cwd: string;
  config: Pick<Config, "dispatch_dir" | "results_dir">;
}): ResultsCommitter {
  const { cwd, config } = deps;
  const git = asGitRepo(deps.git);
  return {
    async commit(build) {
      const read = await readStateFile({ cwd, config, git });
      const disk = diskTarget(cwd);
      let built: Awaited<ReturnType<typeof build>>;
      try {
        built = await build({
          state: read.state,
          warnings: read.warnings,
          target: disk.target,
          copyRunFiles: "when-elsewhere",
        });
      } catch (err) {
        await disk.abort();
        throw err;
      }
      if (!built.commit) return { sha: undefined, attempts: 1, requests: 0 };
      // git reads `./results/x` as `results/x`; the check sees the path git will commit.
      assertCommitPaths(
        [...built.files, ...built.exclude].map(tidy),
        commitRoots(config).map(tidy),
      );
      const head = await git.head();
      const sha = await git.commitPaths(
        [config.results_dir, statePath(config)],
        resultsCommitMessage(built.summary, head),
        { exclude: built.exclude, equivalent: sameResults },
      );
      return { sha, attempts: 1, requests: 0 };
    },
  };
}

const tidy = (path: string) => path.replace(/^(\.\/)+/, "").replace(/\/{2,}/g, "/");
