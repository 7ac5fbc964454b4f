import type { Config } from "../../core/config/config-schema.js";
import { statePath } from "../../core/paths/layout.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import type { DispatchState } from "../../core/state/state-entry.js";
import { gitDataCommit } from "../../github/git-data-commit.js";
import { readFileAtCommit } from "../../github/git-data-commit-base-file.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { resultsCommitMessage } from "../commit-results.js";
import { DispatchStateError } from "../dispatch-state-store.js";
import { memoryTarget } from "../write-results.js";
import { commitRoots, type ResultsBuild, type ResultsCommitter } from "./results-committer.js";

/** `build` said not to commit: the attempt stops before any tree is sent. */
class NotCommitting extends Error {}

/**
 * The results committed to `branch` through the Git Data API, where there is no checkout of the
 * branch to commit in (the Action's aggregate job). Each attempt reads `dispatch/state.json` at
 * the branch head, builds the files in memory on it, and commits them as ONE commit
 * (`gitDataCommit`): a push that lands meanwhile is merged, never overwritten or forced over.
 * `source` is the commit the results came from: the message's fallback source, and where a state
 * file that is malformed at the branch head is recovered from.
 */
export function gitDataResultsCommitter(deps: {
  octokit: OctokitLike;
  repo: RepoRef;
  branch: string;
  source: string;
  config: Pick<Config, "dispatch_dir" | "results_dir">;
  maxAttempts?: number;
  log?: { info(s: string): void };
}): ResultsCommitter {
  const { octokit, repo, config } = deps;
  const rel = statePath(config);
  const source = deps.source.slice(0, 12);
  /** A state file malformed at the branch head is taken from the commit the results came from. */
  const recover = async (problem: string): Promise<DispatchState> => {
    const text = await readFileAtCommit(octokit, repo, rel, deps.source);
    const parsed = text === undefined ? undefined : parseDispatchState(`${source}:${rel}`, text);
    if (parsed?.ok) return parsed.value;
    const why = parsed
      ? `the copy at ${source} is unreadable too (${parsed.message})`
      : `${source} holds no copy of it`;
    throw new DispatchStateError(
      `${problem}\n  ${why}, so it cannot be recovered; nothing was committed.\n  fix: repair ${rel} on ${deps.branch} (or restore a good copy with \`git checkout <commit> -- ${rel}\`) and re-run this job.`,
    );
  };
  return {
    async commit(build) {
      let reads = 0;
      const readState = async (head: string) => {
        reads++;
        const text = await readFileAtCommit(octokit, repo, rel, head);
        if (text === undefined) return { state: undefined, warnings: [] };
        const parsed = parseDispatchState(rel, text);
        if (parsed.ok) return { state: parsed.value, warnings: [] };
        reads++;
        return {
          state: await recover(parsed.message),
          warnings: [
            `${parsed.message}\n  recovered ${rel} from ${source}, the commit the results came from; runs since that commit come back from their sidecars.`,
          ],
        };
      };
      let built: ResultsBuild | undefined;
      try {
        const commit = await gitDataCommit(octokit, {
          ...repo,
          branch: deps.branch,
          under: commitRoots(config),
          maxAttempts: deps.maxAttempts,
          log: deps.log,
          message: () => resultsCommitMessage((built as ResultsBuild).summary, deps.source),
          files: async (head) => {
            const base = await readState(head);
            const memory = memoryTarget();
            built = await build({ ...base, target: memory.target, copyRunFiles: "always" });
            if (!built.commit) throw new NotCommitting();
            return memory.outputs;
          },
        });
        return {
          sha: commit.sha ?? undefined,
          attempts: commit.attempts,
          requests: commit.requests + reads,
        };
      } catch (err) {
        if (err instanceof NotCommitting) return { sha: undefined, attempts: 1, requests: reads };
        throw err;
      }
    },
  };
}
