import type { DispatchState, StateEntry } from "./state-entry.js";
import { STATE_ENTRY_FIELDS } from "./state-entry-schema.js";

/** The documented field order (the schema's); extension fields follow in the order they came. */
const FIELD_ORDER = STATE_ENTRY_FIELDS;

/** True when the documented fields (docs/dispatch-state.md) come first, in order, and none is missing: no copy needed. */
function inCanonicalOrder(src: Record<string, unknown>): boolean {
  let i = 0;
  for (const k in src) {
    if (i >= FIELD_ORDER.length) return true;
    if (k !== FIELD_ORDER[i++] || src[k] === undefined) return false;
  }
  return i === FIELD_ORDER.length;
}

/** The entry with its keys in one fixed order, so rewriting an unchanged state changes no byte. */
export function canonicalEntry(e: StateEntry): Record<string, unknown> {
  const src = e as unknown as Record<string, unknown>;
  if (inCanonicalOrder(src)) return src;
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) out[k] = src[k] ?? null;
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k];
  return out;
}

/**
 * `dispatch/state.json` as text chunks: one entry per line, so a state of 10^6 runs streams to
 * disk without one giant string, and `git diff` shows one changed line per changed run.
 */
export function* serializeDispatchState(state: DispatchState): Generator<string> {
  yield `{\n  "project": ${JSON.stringify(state.project)},\n  "updated": ${JSON.stringify(state.updated)},\n  "experiments": [`;
  let first = true;
  for (const e of state.experiments) {
    yield `${first ? "\n" : ",\n"}    ${JSON.stringify(canonicalEntry(e))}`;
    first = false;
  }
  yield first ? "]\n}\n" : "\n  ]\n}\n";
}
