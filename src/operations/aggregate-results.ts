import type { Config } from "../core/config/config-schema.js";
import type { LoadedDefinitions } from "../core/definitions/validate-definitions.js";
import type { GitRepo } from "../git/git-repo.js";
import { localResultsCommitter } from "./commit-results.js";
import { resultFileCap } from "./contained-files.js";
import { checkDispatchDirs, readSidecars } from "./dispatch-state-store.js";
import { type AggregateRunsOutcome, aggregateRuns } from "./results/aggregate.js";
import { runResultReader } from "./write-results.js";

export interface AggregateDeps {
  git: GitRepo;
  log: { info(s: string): void; warn(s: string): void };
  clock: () => Date;
}

export interface AggregateInput {
  cwd: string;
  config: Config;
  loaded: LoadedDefinitions;
  /** Workflow run URL, or `local:<host>`: the `Labgate-Run` trailer. */
  runUrl: string;
  commit: boolean;
  /** Commit even when the tables hold no result row (every run failed or was cancelled). */
  commitEmpty?: boolean;
  /** "full" archives the pilots first (docs/dispatch-state.md); default: "full" when the state holds full runs. */
  phase?: "pilot" | "full";
}

export type AggregateOutcome = AggregateRunsOutcome;

/**
 * `labgate aggregate` (docs/results.md), the end of `labgate run` and the nightly run: the
 * sidecars in the checkout's dispatch folder, aggregated (`aggregateRuns`) into the checkout and
 * committed there as ONE commit with the provenance trailers. A malformed state.json is recovered
 * from HEAD (reported), never replaced by an empty one. A commit that fails is thrown.
 */
export async function aggregateResults(
  deps: AggregateDeps,
  input: AggregateInput,
): Promise<AggregateOutcome> {
  const { cwd, config } = input;
  await checkDispatchDirs(cwd, config);
  const { sidecars } = await readSidecars(cwd, config.dispatch_dir, (s) => deps.log.warn(s));
  const out = await aggregateRuns(
    {
      committer: localResultsCommitter({ git: deps.git, cwd, config }),
      log: deps.log,
      clock: deps.clock,
    },
    {
      config,
      loaded: input.loaded,
      sidecars,
      readResult: runResultReader(cwd, config.results_dir, resultFileCap(config)),
      runUrl: input.runUrl,
      phase: input.phase,
      commit: input.commit,
      commitEmpty: input.commitEmpty,
    },
  );
  if (out.commitFailed) throw out.commitFailed.cause;
  return out;
}
