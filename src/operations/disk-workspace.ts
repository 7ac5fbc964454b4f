import { isAbsolute, relative, resolve } from "node:path";
import type { RefusedFile } from "../core/gates/refused-files.js";
import { containedReader, MAX_STATE_FILE_BYTES } from "./contained-files.js";
import type { Workspace } from "./workspace.js";

/**
 * The largest file the disk workspace reads: `dispatch/state.json` is read through it (the pilot
 * gate) and may be as large as a state can be; definitions, config and scripts are far smaller.
 */
export const MAX_WORKSPACE_FILE_BYTES = MAX_STATE_FILE_BYTES;

export interface DiskWorkspace extends Workspace {
  /** Every read refused so far, in order (a path read twice is listed twice). */
  refusals(): readonly RefusedFile[];
}

/**
 * The files of a checkout, read the way a PR's files must be (docs/security.md, "Paths come from
 * the plan"): through `containedReader`, so only regular files inside `root`, no symbolic link
 * (a file committed as a link, or a folder on the way that links out of `root`), nothing over
 * `maxBytes`. A refused file reads as absent and is listed in `refusals()`, so the caller can say
 * which file was refused (`withRefusedFiles`); its content is never read.
 */
export function diskWorkspace(root: string, maxBytes = MAX_WORKSPACE_FILE_BYTES): DiskWorkspace {
  const read = containedReader(root, maxBytes);
  const refused: RefusedFile[] = [];
  return {
    async readFile(path) {
      // An absolute path the user typed (`labgate validate $PWD/...`) counts where it lies.
      const r = await read(isAbsolute(path) ? relative(resolve(root), path) || "." : path);
      if (r.ok) return r.text;
      if (r.code !== "missing") refused.push({ path, code: r.code, message: r.message });
      return undefined;
    },
    refusals: () => refused,
  };
}
