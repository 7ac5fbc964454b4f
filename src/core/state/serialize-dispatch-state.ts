import type { DispatchState } from "./state-entry.js";

/**
 * `dispatch/state.json` as text chunks: one entry per line, so a state of 10^6 runs streams to
 * disk without one giant string, and `git diff` shows one changed line per changed run.
 */
export function* serializeDispatchState(state: DispatchState): Generator<string> {
  yield `{\n  "project": ${JSON.stringify(state.project)},\n  "updated": ${JSON.stringify(state.updated)},\n  "experiments": [`;
  let first = true;
  for (const e of state.experiments) {
    yield `${first ? "\n" : ",\n"}    ${JSON.stringify(e)}`;
    first = false;
  }
  yield first ? "]\n}\n" : "\n  ]\n}\n";
}
