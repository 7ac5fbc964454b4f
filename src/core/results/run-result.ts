import { runIdParts } from "../plan/run-id.js";
import type { StateEntry } from "../state/state-entry.js";
import type { ResultFile } from "./result-file-schema.js";

/** A finished run with its parsed result file, the raw bytes' sha256, and the committed path. */
export interface RunResult {
  entry: StateEntry;
  result: ResultFile;
  sha256: string;
  /** `<results_dir>/runs/<run_id>.json`: where the raw result file is committed (docs/results.md). */
  path: string;
}

/**
 * `exp_id` as all_results.csv means it: the experiment id with params, without the seed suffix
 * (docs/results.md): the run id's variant when its seed suffix is the entry's seed, else the entry's
 * `exp_id`.
 */
export function variantOf(entry: Pick<StateEntry, "id" | "seed" | "exp_id">): string {
  const parts = runIdParts(entry.id);
  return parts && parts.seed === entry.seed ? parts.variant : entry.exp_id;
}
