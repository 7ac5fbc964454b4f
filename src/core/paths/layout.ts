import { parseRunId } from "../plan/run-id.js";

/**
 * Every path labgate reads or writes in a repository, built from the config's folders: the one
 * home of the layout. Paths are repo-relative with forward slashes; a run id
 * that no plan could make throws rather than become a path (docs/security.md, "Paths come from
 * the plan"). Pure: no I/O.
 */
export interface LayoutDirs {
  dispatch_dir: string;
  results_dir: string;
}

/** A sidecar's file name ends with this: `<dispatch_dir>/<run_id>.status.json`. */
export const SIDECAR_SUFFIX = ".status.json";

/** The files `aggregate` writes under `results_dir` (besides `runs/`). */
export const RESULTS_FILES = {
  allResults: "all_results.csv",
  aggregatedCsv: "aggregated.csv",
  aggregatedJson: "aggregated.json",
  readme: "README.md",
  provenance: "provenance.json",
} as const;

const trim = (dir: string) => dir.replace(/\/+$/, "");

function checkedRunId(runId: string, what: string): string {
  const id = parseRunId(runId, what);
  if (!id.ok) throw new Error(id.message);
  return id.id;
}

/** `<dispatch_dir>/state.json`: the merged dispatch state. */
export const statePath = (dirs: Pick<LayoutDirs, "dispatch_dir">) =>
  `${trim(dirs.dispatch_dir)}/state.json`;

/** `<dispatch_dir>/<run_id>.status.json`: one run's sidecar, written by its runner. */
export const sidecarPath = (dirs: Pick<LayoutDirs, "dispatch_dir">, runId: string) =>
  `${trim(dirs.dispatch_dir)}/${checkedRunId(runId, "a sidecar's run id")}${SIDECAR_SUFFIX}`;

/** `<results_dir>/runs/<run_id>.json`: where a run's result file is written and committed. */
export const runResultPath = (dirs: Pick<LayoutDirs, "results_dir">, runId: string) =>
  `${trim(dirs.results_dir)}/runs/${checkedRunId(runId, "a result file's run id")}.json`;

/** `<results_dir>/<file>`: one of the aggregated files. */
export const resultsFilePath = (
  dirs: Pick<LayoutDirs, "results_dir">,
  file: (typeof RESULTS_FILES)[keyof typeof RESULTS_FILES],
) => `${trim(dirs.results_dir)}/${file}`;
