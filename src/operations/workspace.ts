import type { RefusedFile } from "../core/gates/refused-files.js";

/**
 * Where an operation reads a repo's files from: the local disk for the CLI and the Action, the
 * GitHub contents API at a SHA for the app. `undefined` means the file does not exist, or was
 * refused (then it is in `refusals()`).
 */
export interface Workspace {
  readFile(path: string): Promise<string | undefined>;
  /**
   * The reads refused so far, in order (the disk: a link, a file outside the checkout, over the
   * cap; docs/security.md, "Paths come from the plan"). Absent where nothing is ever refused.
   */
  refusals?(): readonly RefusedFile[];
}
