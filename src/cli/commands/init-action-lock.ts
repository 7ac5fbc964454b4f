import { readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * `.github/labgate.lock`: the labgate action this repository's workflows pin, written by
 * `labgate init --action-ref` and read back by a later `labgate init` without the flag (an
 * upgrade with `--force`, a re-init), so the workflows never fall back to an unpinned action.
 */
export const ACTION_LOCK = ".github/labgate.lock";

const KEY = "action-ref";

export function actionLockText(actionRef: string): string {
  return [
    "# The labgate action this repository's workflows use, pinned by commit (`labgate init --action-ref`).",
    "# `labgate init` without --action-ref pins the workflows it writes to this ref. To upgrade: run",
    "# `labgate init --force --action-ref OWNER/REPO/action@<new release SHA>`, or edit this line and",
    "# the `uses:` lines of .github/workflows/labgate-*.yml together.",
    `${KEY}: ${actionRef}`,
    "",
  ].join("\n");
}

export type ActionLock =
  | { found: false }
  | { found: true; actionRef: string; line: number }
  | { found: true; problem: string };

/** The ref in `<root>/.github/labgate.lock`, if the file exists. */
export async function readActionLock(root: string): Promise<ActionLock> {
  let text: string;
  try {
    text = await readFile(join(root, ACTION_LOCK), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { found: false };
    throw err;
  }
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.startsWith(`${KEY}:`));
  if (at < 0)
    return {
      found: true,
      problem: `${ACTION_LOCK} has no \`${KEY}:\` line; fix: add \`${KEY}: OWNER/REPO/action@<40-character SHA>\` or run \`labgate init --force --action-ref ...\``,
    };
  return {
    found: true,
    actionRef: (lines[at] as string).slice(KEY.length + 1).trim(),
    line: at + 1,
  };
}
