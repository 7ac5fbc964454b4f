import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { sidecarPath } from "../../core/paths/layout.js";
import type { StateEntry } from "../../core/state/state-entry.js";

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
