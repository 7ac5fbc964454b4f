import type { SimpleGit } from "simple-git";
import type { Config } from "../core/config/config-schema.js";
import type { LoadedDefinitions } from "../core/definitions/validate-definitions.js";
import { expandRuns } from "../core/plan/expand-runs.js";
import { archivePilots } from "../core/state/archive-pilots.js";
import type { StateEntry } from "../core/state/state-entry.js";
import { commitResults } from "./commit-results.js";
import { readDispatchState, writeDispatchState } from "./dispatch-state-store.js";
import { type ExportOutcome, writeResultsFiles } from "./write-results.js";

export interface AggregateDeps {
  git: SimpleGit;
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
  /** "full" archives the pilots first (SPEC §4); default: "full" when the state holds full runs. */
  phase?: "pilot" | "full";
}

export interface AggregateOutcome {
  commitSha?: string;
  /** Every file written (repo-relative), dispatch/state.json first. */
  files: string[];
  export: ExportOutcome;
  /** Why no commit was made although one was asked for; the message says it to the user. */
  notCommitted?: { code: "no-rows" | "unchanged"; message: string };
}

/**
 * `labgate aggregate` (SPEC §4, §5, §9): merges the sidecars into dispatch/state.json, writes
 * every results file, and, if asked, makes ONE commit of them with the provenance trailers.
 * A malformed state.json is recovered from HEAD (reported), never replaced by an empty one.
 */
export async function aggregateResults(
  deps: AggregateDeps,
  input: AggregateInput,
): Promise<AggregateOutcome> {
  const { cwd, config, loaded } = input;
  const planned = expandRuns(loaded.experiments, { tmpDir: "", resultsDir: config.results_dir });
  const knownRunIds = new Set(planned.map((r) => r.run_id));
  const read = await readDispatchState({ cwd, config, git: deps.git, log: deps.log, knownRunIds });
  const hasFull = [...read.entries.values()].some((e) => e.phase === "full");
  const phase = input.phase ?? (hasFull ? "full" : undefined);
  const entries = inPlanOrder(
    phase === "full" ? archivePilots(read.entries) : read.entries,
    planned.map((r) => r.run_id),
  );
  const state = await writeDispatchState({
    cwd,
    config,
    project: read.state?.project ?? loaded.definitions.project,
    entries: entries.values(),
    clock: deps.clock,
  });
  const outcome = await writeResultsFiles({
    cwd,
    entries: entries.values(),
    loaded,
    config,
    runUrl: input.runUrl,
    clock: deps.clock,
    phase,
  });
  for (const w of outcome.warnings) deps.log.warn(w);
  deps.log.info(
    `merged ${read.sidecars.length} sidecar(s) into ${state}; wrote ${outcome.files.length} file(s) under ${config.results_dir}/ (${outcome.rows} result row(s))`,
  );
  const files = [state, ...outcome.files];
  if (!input.commit) return { files, export: outcome };
  if (outcome.rows === 0 && !input.commitEmpty) {
    const counts = Object.entries(outcome.counts)
      .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
      .join(", ");
    const notCommitted = {
      code: "no-rows" as const,
      message: `no result rows${counts ? ` (${counts})` : ""}, so nothing was committed: a results commit with an empty table would only hide the last good one. The files are written under ${config.results_dir}/; pass --commit-empty to commit the statuses anyway.`,
    };
    deps.log.info(notCommitted.message);
    return { files, export: outcome, notCommitted };
  }
  const commitSha = await commitResults(deps.git, {
    paths: [config.results_dir, state],
    project: loaded.definitions.project,
    counts: outcome.counts,
    sourceCommits: outcome.sourceCommits,
    runUrl: input.runUrl,
    exclude: outcome.refused,
  });
  if (!commitSha) {
    const notCommitted = {
      code: "unchanged" as const,
      message:
        "results unchanged since the last results commit (at most the times they were written at differ); nothing was committed",
    };
    deps.log.info(notCommitted.message);
    return { files, export: outcome, notCommitted };
  }
  deps.log.info(`committed the results as ${commitSha.slice(0, 12)}`);
  return { commitSha, files, export: outcome };
}

/** Planned runs in the definitions' order (pilots first, as written), then any others as found. */
function inPlanOrder(
  entries: ReadonlyMap<string, StateEntry>,
  plan: readonly string[],
): Map<string, StateEntry> {
  const out = new Map<string, StateEntry>();
  for (const id of plan) {
    const e = entries.get(id);
    if (e) out.set(id, e);
  }
  for (const [id, e] of entries) if (!out.has(id)) out.set(id, e);
  return out;
}
