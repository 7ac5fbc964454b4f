import { containedReader, writeContained } from "../../operations/contained-files.js";

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
 * Returns the lines added (none when every entry is there already), or why `.gitignore` was
 * neither read nor written: a symbolic link, or a folder, is refused (docs/security.md).
 */
export async function ensureGitignore(
  root: string,
): Promise<{ ok: true; added: string[] } | { ok: false; message: string }> {
  const read = await containedReader(root, MAX_GITIGNORE_BYTES)(".gitignore");
  if (!read.ok && read.code !== "missing") return { ok: false, message: read.message };
  const text = read.ok ? read.text : "";
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter((e) => !present.has(e) && !present.has(`/${e}`));
  if (missing.length === 0) return { ok: true, added: [] };
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  const block = `${text === "" ? "" : "\n"}${HEADER}\n${missing.join("\n")}\n`;
  const wrote = await writeContained(root, ".gitignore", `${text}${sep}${block}`);
  return wrote.ok ? { ok: true, added: missing } : { ok: false, message: wrote.message };
}

/** The largest `.gitignore` read: far above any real one. */
const MAX_GITIGNORE_BYTES = 16 * 1024 * 1024;
