import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * What a labgate repository never commits: run logs and the run lock (`.labgate/`), the runners'
 * sidecars (merged into `dispatch/state.json`, which is committed) and the temporary files of an
 * atomic write that a killed process can leave. docs/dispatch-state.md.
 */
export const GITIGNORE_ENTRIES = [
  ".labgate/",
  "dispatch/*.status.json",
  "dispatch/*.tmp",
  "experiments/results/**/*.tmp",
] as const;

const HEADER = "# labgate: logs, the run lock, runner sidecars and temp files (`labgate init`)";

/**
 * Adds the entries `.gitignore` at `root` lacks (creating the file), keeping everything in it.
 * Returns the lines added; none when every entry is there already.
 */
export async function ensureGitignore(root: string): Promise<string[]> {
  const path = join(root, ".gitignore");
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter((e) => !present.has(e) && !present.has(`/${e}`));
  if (missing.length === 0) return [];
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  const block = `${text === "" ? "" : "\n"}${HEADER}\n${missing.join("\n")}\n`;
  await writeFile(path, `${text}${sep}${block}`);
  return missing;
}
