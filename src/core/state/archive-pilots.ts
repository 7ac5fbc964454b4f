import { ARCHIVED_PILOT_PHASE } from "./merge-sidecars.js";
import type { StateEntry } from "./state-entry.js";

/** Every `pilot` entry archived (`phase: "pilot (archived)"`), never deleted (docs/dispatch-state.md). */
export function archivePilots(entries: ReadonlyMap<string, StateEntry>): Map<string, StateEntry> {
  const next = new Map<string, StateEntry>();
  for (const [id, e] of entries)
    next.set(id, e.phase === "pilot" ? { ...e, phase: ARCHIVED_PILOT_PHASE } : e);
  return next;
}

/**
 * Adds a dispatch's entries to the state (docs/dispatch-state.md). Before a `full` dispatch adds its entries,
 * every pilot entry is archived. An entry already in the state keeps its progress (a resumed
 * dispatch must not forget what finished); only entries new to the state are added. A pilot
 * dispatch that names an archived pilot again brings it back as `pilot`, with its progress.
 * Returns a new Map; the input is not changed.
 */
export function addDispatchEntries(
  entries: ReadonlyMap<string, StateEntry>,
  added: readonly StateEntry[],
  phase: "pilot" | "full",
): Map<string, StateEntry> {
  const next = phase === "full" ? archivePilots(entries) : new Map(entries);
  for (const e of added) {
    const current = next.get(e.id);
    if (current === undefined) next.set(e.id, e);
    else if (phase === "pilot" && current.phase === ARCHIVED_PILOT_PHASE)
      next.set(e.id, { ...current, phase: "pilot" });
  }
  return next;
}
