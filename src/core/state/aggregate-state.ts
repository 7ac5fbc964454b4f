import { type LayoutDirs, runResultPath } from "../paths/layout.js";
import { archivePilots } from "./archive-pilots.js";
import { mergeSidecars } from "./merge-sidecars.js";
import type { StateEntry } from "./state-entry.js";
import type { Sidecar } from "./state-entry-schema.js";

export interface MergedState {
  /** Every run by id: the state's, then those only a sidecar knew, in sidecar order. */
  entries: Map<string, StateEntry>;
  /**
   * Sidecars for runs the state did not hold and `knownRunIds` does not name (without it: those
   * lacking the run's identity); kept as their own entries, and reported.
   */
  unknown: string[];
}

/**
 * The state's entries with the sidecars merged in (`mergeSidecars`), every `result_file` set to the
 * plan's path `<results_dir>/runs/<run_id>.json`, whatever the data recorded (docs/security.md,
 * "Paths come from the plan"). The entries are updated in place: pass entries the caller owns.
 */
export function mergeIntoState(
  entries: Iterable<StateEntry>,
  sidecars: Iterable<Sidecar>,
  opts: { dirs: Pick<LayoutDirs, "results_dir">; knownRunIds?: ReadonlySet<string> },
): MergedState {
  const merged = mergeSidecars(entries, sidecars);
  for (const e of merged.entries.values()) e.result_file = runResultPath(opts.dirs, e.id);
  const known = opts.knownRunIds;
  const unknown = known ? merged.added.filter((id) => !known.has(id)) : merged.incomplete;
  return { entries: merged.entries, unknown };
}

export interface AggregatedState {
  /** Planned runs in the plan's order, then any others in state order. */
  entries: StateEntry[];
  /** The tables' phase: as asked, else "full" once the state holds full runs. */
  phase: "pilot" | "full" | undefined;
  unknown: string[];
}

/**
 * The state an aggregate writes (docs/dispatch-state.md): the base state merged with the sidecars, the pilots
 * archived when the phase is "full", the entries in plan order. The same for every shell, so
 * `dispatch/state.json` does not depend on which one wrote it.
 */
export function aggregateState(input: {
  entries: Iterable<StateEntry>;
  sidecars: Iterable<Sidecar>;
  /** The campaign's run ids, in the definitions' order (pilots first, as written). */
  plan: readonly string[];
  dirs: Pick<LayoutDirs, "results_dir">;
  phase?: "pilot" | "full";
}): AggregatedState {
  const merged = mergeIntoState(input.entries, input.sidecars, {
    dirs: input.dirs,
    knownRunIds: new Set(input.plan),
  });
  let hasFull = false;
  for (const e of merged.entries.values())
    if (e.phase === "full") {
      hasFull = true;
      break;
    }
  const phase = input.phase ?? (hasFull ? "full" : undefined);
  const entries = phase === "full" ? archivePilots(merged.entries) : merged.entries;
  return { entries: inPlanOrder(entries, input.plan), phase, unknown: merged.unknown };
}

/** Planned runs in the plan's order, then any others as found. */
export function inPlanOrder(
  entries: ReadonlyMap<string, StateEntry>,
  plan: readonly string[],
): StateEntry[] {
  const out: StateEntry[] = [];
  const placed = new Set<string>();
  for (const id of plan) {
    const e = entries.get(id);
    if (e && !placed.has(id)) {
      out.push(e);
      placed.add(id);
    }
  }
  for (const [id, e] of entries) if (!placed.has(id)) out.push(e);
  return out;
}
