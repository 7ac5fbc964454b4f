import type { StateEntry } from "../state/state-entry.js";

/**
 * Mean measured `duration_hours` per experiment over its `done` runs (a failed run stopped early
 * and says little about the duration). `plan` uses these instead of the declared
 * `expected_duration_hours` (issue 3).
 */
export function measuredHoursByExperiment(entries: Iterable<StateEntry>): Map<string, number> {
  const sum = new Map<string, { total: number; n: number }>();
  for (const e of entries) {
    if (e.status !== "done" || typeof e.duration_hours !== "number" || !(e.duration_hours > 0))
      continue;
    const s = sum.get(e.exp_id) ?? { total: 0, n: 0 };
    s.total += e.duration_hours;
    s.n++;
    sum.set(e.exp_id, s);
  }
  return new Map([...sum].map(([id, s]) => [id, s.total / s.n]));
}
