import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseRunId } from "../../core/plan/run-id.js";
import type { StateEntry } from "../../core/state/state-entry.js";

export const SIDECAR_SUFFIX = ".status.json";

/**
 * `dispatch/<run_id>.status.json`, repo-relative (SPEC §4): the one place a sidecar's path is
 * made. An id that no plan could make throws rather than become a path (docs/security.md).
 */
export function sidecarFile(dispatchDir: string, runId: string): string {
  const id = parseRunId(runId, "a sidecar's run id");
  if (!id.ok) throw new Error(id.message);
  return join(dispatchDir, `${id.id}${SIDECAR_SUFFIX}`);
}

let seq = 0;

/**
 * Writes a run's whole entry to its sidecar atomically (temp file + rename), so a reader or a
 * crash sees the previous status or the new one, never half a file. Sidecars are small; one
 * `writeFile` keeps the per-status cost well under a millisecond.
 */
export async function writeSidecar(
  cwd: string,
  dispatchDir: string,
  entry: StateEntry,
): Promise<void> {
  const path = resolve(cwd, sidecarFile(dispatchDir, entry.id));
  const tmp = `${path}.${process.pid}.${seq++}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(tmp, path);
}
