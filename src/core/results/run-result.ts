import type { StateEntry } from "../state/state-entry.js";
import type { ResultFile } from "./result-file-schema.js";

/** A finished run with its parsed result file, the raw bytes' sha256, and the committed path. */
export interface RunResult {
  entry: StateEntry;
  result: ResultFile;
  sha256: string;
  /** `<results_dir>/runs/<run_id>.json`: where the raw result file is committed (SPEC §5). */
  path: string;
}

/**
 * `exp_id` as all_results.csv means it: the experiment id with params, without the seed suffix
 * (SPEC §5). Taken from the run id, which is `<exp_id>[__<k>-<v>...]_s<seed>` (SPEC §3).
 */
export function variantOf(entry: Pick<StateEntry, "id" | "seed" | "exp_id">): string {
  const suffix = `_s${entry.seed}`;
  return entry.id.endsWith(suffix) ? entry.id.slice(0, -suffix.length) : entry.exp_id;
}

export const runFilePath = (resultsDir: string, runId: string) =>
  `${resultsDir.replace(/\/+$/, "")}/runs/${runId}.json`;
