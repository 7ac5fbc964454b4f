import { LOST_TWICE_REASON, lostAgain } from "../plan/still-to-run.js";
import type { StateEntry } from "./state-entry.js";
import { entryFromSidecar, type Sidecar } from "./state-entry-schema.js";

export const ARCHIVED_PILOT_PHASE = "pilot (archived)";

export interface MergeResult {
  /** Every run by id, in state order, then runs only a sidecar knew, in sidecar order. */
  entries: Map<string, StateEntry>;
  /** Ids of sidecars whose run the state did not hold (new runs, or strays); kept, not dropped. */
  added: string[];
  /** Of those, the ids whose sidecar lacked the run's identity (exp_id, phase, method, ...). */
  incomplete: string[];
}

/**
 * Merges runner sidecars into the state's entries (docs/dispatch-state.md): a sidecar field that is not null
 * overrides — except `reason`, `exit_code`, `finished` and `failure_kind`, which follow the sidecar's status. Linear in runs + sidecars (one Map lookup each). Sidecars are applied in the order
 * given, so a later sidecar for the same run wins; they may be streamed (any iterable). An
 * archived pilot stays archived: a stale sidecar written before the full dispatch must not
 * bring it back. The entries are updated in place (a state of 10^6 runs is not copied): pass
 * entries the caller owns, such as a freshly parsed state.
 */
export function mergeSidecars(
  entries: Iterable<StateEntry>,
  sidecars: Iterable<Sidecar>,
): MergeResult {
  const byId = new Map<string, StateEntry>();
  for (const e of entries) byId.set(e.id, e);
  const added: string[] = [];
  const incomplete: string[] = [];
  for (const s of sidecars) {
    const current = byId.get(s.id);
    if (current === undefined) {
      added.push(s.id);
      if (!hasIdentity(s)) incomplete.push(s.id);
      byId.set(s.id, entryFromSidecar(s));
      continue;
    }
    const archived = current.phase === ARCHIVED_PILOT_PHASE;
    // lost or interrupted in a second wave: failed for good (docs/runners.md, "Waves")
    const twice = lostAgain(current, s);
    const target = current as unknown as Record<string, unknown>;
    const source = s as unknown as Record<string, unknown>;
    for (const k in source) {
      const v = source[k];
      if (v !== null && v !== undefined) target[k] = v;
    }
    // A reason, an exit code and a finish time belong to the status they explain: a sidecar
    // that reports a status reports them too, null included, so a retry that succeeded does not
    // keep the failed attempt's reason (a deliberate refinement of "not null overrides").
    if (s.status !== null && s.status !== undefined) {
      for (const k of STATUS_SCOPED) target[k] = source[k] ?? null;
      // the failure kind too, but left out rather than null: state.json writes it only for a failure
      if (typeof source.failure_kind === "string") target.failure_kind = source.failure_kind;
      else delete target.failure_kind;
    }
    if (twice) {
      current.status = "failed";
      current.reason = LOST_TWICE_REASON;
    }
    if (archived) current.phase = ARCHIVED_PILOT_PHASE;
  }
  return { entries: byId, added, incomplete };
}

const STATUS_SCOPED = ["reason", "exit_code", "finished"] as const;
const IDENTITY = ["exp_id", "phase", "method", "dataset", "seed", "status"] as const;
const hasIdentity = (s: Sidecar) => IDENTITY.every((k) => s[k] !== undefined && s[k] !== null);
