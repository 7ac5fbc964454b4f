import type { Config } from "../../core/config/config-schema.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import { type Failure, failFrom } from "../../core/failure/failure.js";
import { statePath } from "../../core/paths/layout.js";
import { expandRuns } from "../../core/plan/expand-runs.js";
import { aggregateState } from "../../core/state/aggregate-state.js";
import { serializeDispatchState } from "../../core/state/serialize-dispatch-state.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import type { Sidecar } from "../../core/state/state-entry-schema.js";
import { unknownSidecarsMessage } from "../dispatch-state-store.js";
import {
  type ExportOutcome,
  type ExportResultsInput,
  exportResults,
  type ResultsTarget,
} from "../write-results.js";
import type { ResultsCommit, ResultsCommitter } from "./results-committer.js";

export interface AggregateDeps {
  /** Where the results are committed: the local checkout or a branch through the API. */
  committer: ResultsCommitter;
  log: { info(s: string): void; warn(s: string): void };
  clock: () => Date;
}

export interface AggregateRunsInput {
  config: Pick<Config, "results_dir" | "dispatch_dir">;
  loaded: LoadedDefinitions;
  /** Every run's sidecar, as data: read from the dispatch folder, or taken from shard artifacts. */
  sidecars: readonly Sidecar[];
  /** A done run's raw result file (see `ExportResultsInput.readResult`). */
  readResult: ExportResultsInput["readResult"];
  /** Workflow run URL, or `local:<host>`: the `Labgate-Run` trailer. */
  runUrl: string;
  /** "full" archives the pilots first (docs/dispatch-state.md); default: "full" when the state holds full runs. */
  phase?: "pilot" | "full";
  commit: boolean;
  /** Commit even when the tables hold no result row (every run failed or was cancelled). */
  commitEmpty?: boolean;
}

export interface AggregateRunsOutcome {
  /** The state written: planned runs in plan order, then any others. */
  entries: StateEntry[];
  /** Every file written (repo-relative), dispatch/state.json first. */
  files: string[];
  export: ExportOutcome;
  /** Everything reported: the state's recovery, unknown sidecars, unreadable result files. */
  warnings: string[];
  commit?: ResultsCommit;
  commitSha?: string;
  /** Why no commit was made although one was asked for; the message says it to the user. */
  notCommitted?: { code: "no-rows" | "unchanged"; message: string };
  /** The files were built but the commit failed; the cause is kept. */
  commitFailed?: Failure<"commit-failed">;
}

/**
 * The one results pipeline (docs/results.md), whichever shell runs it: the base state (read by the
 * committer where the commit goes) merged with the sidecars, the pilots archived for the full
 * phase, the entries put in plan order; dispatch/state.json and every results file written; and,
 * if asked, ONE commit of them with the provenance trailers. `dispatch/state.json` and the tables
 * are the same bytes from the CLI and from the Action, given the same sidecars.
 */
export async function aggregateRuns(
  deps: AggregateDeps,
  input: AggregateRunsInput,
): Promise<AggregateRunsOutcome> {
  const { config, loaded } = input;
  const plan = expandRuns(loaded.experiments, { tmpDir: "", resultsDir: config.results_dir }).map(
    (r) => r.run_id,
  );
  const stateFile = statePath(config);
  let last: Omit<AggregateRunsOutcome, "commit" | "commitSha" | "notCommitted"> | undefined;
  let commit: ResultsCommit;
  try {
    commit = await deps.committer.commit(async (base) => {
      const state = aggregateState({
        entries: base.state?.experiments ?? [],
        sidecars: input.sidecars,
        plan,
        dirs: config,
        phase: input.phase,
      });
      const warnings = [...base.warnings];
      if (state.unknown.length > 0)
        warnings.push(unknownSidecarsMessage(config, state.unknown, "the definitions"));
      await writeState(base.target, stateFile, {
        project: base.state?.project ?? loaded.definitions.project,
        updated: deps.clock().toISOString(),
        experiments: state.entries,
      });
      const exported = await exportResults(
        {
          entries: state.entries,
          loaded,
          config,
          runUrl: input.runUrl,
          clock: deps.clock,
          phase: state.phase,
          readResult: input.readResult,
          copyRunFiles: base.copyRunFiles,
        },
        base.target,
      );
      warnings.push(...exported.warnings);
      last = {
        entries: state.entries,
        files: [stateFile, ...exported.files],
        export: exported,
        warnings,
      };
      return {
        files: last.files,
        exclude: exported.refused,
        summary: {
          project: loaded.definitions.project,
          counts: exported.counts,
          sourceCommits: exported.sourceCommits,
          runUrl: input.runUrl,
        },
        commit: input.commit && (exported.rows > 0 || input.commitEmpty === true),
      };
    });
  } catch (err) {
    if (!last) throw err;
    report(deps, input, last);
    return { ...last, commitFailed: failFrom("commit-failed", err) };
  }
  const built = last as NonNullable<typeof last>;
  report(deps, input, built);
  if (!input.commit) return built;
  const exported = built.export;
  if (exported.rows === 0 && !input.commitEmpty) {
    const counts = Object.entries(exported.counts)
      .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
      .join(", ");
    const notCommitted = {
      code: "no-rows" as const,
      message: `no result rows${counts ? ` (${counts})` : ""}, so nothing was committed: a results commit with an empty table would only hide the last good one. The files are written under ${config.results_dir}/; pass --commit-empty to commit the statuses anyway.`,
    };
    deps.log.info(notCommitted.message);
    return { ...built, notCommitted };
  }
  if (!commit.sha) {
    const notCommitted = {
      code: "unchanged" as const,
      message:
        "results unchanged since the last results commit (at most the times they were written at differ); nothing was committed",
    };
    deps.log.info(notCommitted.message);
    return { ...built, commit, notCommitted };
  }
  deps.log.info(`committed the results as ${commit.sha.slice(0, 12)}`);
  return { ...built, commit, commitSha: commit.sha };
}

/** The warnings of the build that counted, then what was merged and written. */
function report(
  deps: AggregateDeps,
  input: AggregateRunsInput,
  built: Pick<AggregateRunsOutcome, "files" | "export" | "warnings">,
): void {
  for (const w of built.warnings) deps.log.warn(w);
  const [state, ...written] = built.files;
  deps.log.info(
    `merged ${input.sidecars.length} sidecar(s) into ${state}; wrote ${written.length} file(s) under ${input.config.results_dir}/ (${built.export.rows} result row(s))`,
  );
}

/** Streams the state through the target, one entry per line. */
async function writeState(
  target: ResultsTarget,
  path: string,
  state: Parameters<typeof serializeDispatchState>[0],
): Promise<void> {
  const file = await target.open(path);
  for (const chunk of serializeDispatchState(state)) {
    const flushing = file.write(chunk);
    if (flushing) await flushing;
  }
  await file.close();
}
