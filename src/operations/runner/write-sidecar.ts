import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { sidecarPath } from "../../core/paths/layout.js";
import type { StateEntry } from "../../core/state/state-entry.js";

/**
 * @deprecated `sidecarPath` (src/core/paths/layout.ts) builds this path; kept for
 * src/operations/action/run-shard.ts until it moves to the layout.
 */
export function sidecarFile(dispatchDir: string, runId: string): string {
  return sidecarPath({ dispatch_dir: dispatchDir }, runId);
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
  const path = resolve(cwd, sidecarPath({ dispatch_dir: dispatchDir }, entry.id));
  const tmp = `${path}.${process.pid}.${seq++}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(tmp, path);
}
