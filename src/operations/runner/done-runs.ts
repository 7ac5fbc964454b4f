import type { StateEntry } from "../../core/state/state-entry.js";
import { checkResult } from "./execute-run.js";

export /** Runs already `done` whose result file is there and valid, with their metrics. */
async function doneRuns(
  cwd: string,
  entries: ReadonlyMap<string, StateEntry> | undefined,
  ids: Iterable<string>,
  /** The result file cap (`resultFileCap(config)`). */
  maxResultBytes?: number,
): Promise<Map<string, { entry: StateEntry; metrics: Record<string, number> }>> {
  const out = new Map<string, { entry: StateEntry; metrics: Record<string, number> }>();
  if (!entries) return out;
  const candidates: StateEntry[] = [];
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry?.status === "done" && entry.result_file) candidates.push(entry);
  }
  // bounded parallel reads: a large dispatch has many result files
  for (let i = 0; i < candidates.length; i += 64) {
    const batch = candidates.slice(i, i + 64);
    const checked = await Promise.all(
      batch.map((e) => checkResult(cwd, e.result_file, maxResultBytes)),
    );
    batch.forEach((entry, j) => {
      const value = checked[j]?.value;
      if (value) out.set(entry.id, { entry, metrics: value.metrics });
    });
  }
  return out;
}
