import type { StateEntry } from "../state/state-entry.js";
import { isMachineFacts, type RunOrigin } from "./run-origin.js";

/** One run's provenance (docs/results.md): where and from what its result file came, and its sha256. */
export interface ProvenanceRecord {
  run_id: string;
  exp_id: string;
  phase: string;
  status: string;
  git_commit: string | null;
  run_url: string;
  runner: string | null;
  host: string | null;
  gpu: string | null;
  started: string | null;
  finished: string | null;
  /** The committed raw result file, `<results_dir>/runs/<run_id>.json`. */
  result_file: string;
  sha256: string;
  /**
   * Set when the run ran with uncommitted changes to the files its command uses
   * (`labgate run --allow-dirty`): its numbers are not the commit's. `diff_sha256` hashes the diff.
   */
  dirty?: true;
  diff_sha256?: string;
  /** What produced the number besides the commit: GPU, driver, CUDA, interpreter, lock file. */
  machine?: Record<string, string | null>;
  /** Paths outside the checkout the command named (data folders): not code, not in the commit. */
  data_paths?: string[];
}

export interface ProvenanceFile {
  project: string;
  generated: string;
  runs: ProvenanceRecord[];
}

export function provenanceRecord(
  entry: StateEntry,
  path: string,
  sha256: string,
  runUrl: string,
): ProvenanceRecord {
  const extra = entry as unknown as Record<string, unknown>;
  return {
    run_id: entry.id,
    exp_id: entry.exp_id,
    phase: entry.phase,
    status: entry.status,
    git_commit: entry.git_commit,
    run_url: entry.run_url ?? runUrl,
    runner: typeof extra.runner === "string" ? extra.runner : entry.job_id,
    host: entry.host,
    gpu: entry.gpu,
    started: entry.started,
    finished: entry.finished,
    result_file: path,
    sha256,
    ...(extra.dirty === true
      ? {
          dirty: true as const,
          ...(typeof extra.diff_sha256 === "string" ? { diff_sha256: extra.diff_sha256 } : {}),
        }
      : {}),
    ...(isMachineFacts(extra.machine) ? { machine: { ...extra.machine } } : {}),
    ...(Array.isArray(extra.data_paths) && extra.data_paths.every((p) => typeof p === "string")
      ? { data_paths: extra.data_paths as string[] }
      : {}),
  };
}

/** The commit and machine a state entry says its run ran at (docs/results.md, provenance). */
export function runOriginOf(entry: StateEntry): RunOrigin {
  const machine = (entry as unknown as Record<string, unknown>).machine;
  return { commit: entry.git_commit, machine: isMachineFacts(machine) ? machine : null };
}

/** provenance.json streamed: a head, one record per line, a tail. */
export const provenanceHead = (project: string, generated: string) =>
  `{\n  "project": ${JSON.stringify(project)},\n  "generated": ${JSON.stringify(generated)},\n  "runs": [`;
export const provenanceLine = (r: ProvenanceRecord, first: boolean) =>
  `${first ? "\n" : ",\n"}    ${JSON.stringify(r)}`;
export const provenanceTail = (any: boolean) => (any ? "\n  ]\n}\n" : "]\n}\n");
