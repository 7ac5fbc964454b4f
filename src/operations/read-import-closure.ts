import { importCandidates } from "../core/gates/code-review/import-graph.js";

/** At most this many files are read for one campaign's import closures (a vendored library stops it). */
export const MAX_CLOSURE_FILES = 2000;

/**
 * Reads, into `files`, every repository file the files already in it import (transitively): each
 * import's candidates are tried through `read` (disk or the GitHub API), which answers undefined
 * for a path that does not exist. Returns the paths read.
 */
export async function readImportClosure(
  files: Map<string, string>,
  read: (path: string) => Promise<string | undefined>,
): Promise<string[]> {
  const tried = new Set<string>(files.keys());
  const added: string[] = [];
  let frontier = [...files.keys()];
  while (frontier.length > 0 && files.size < MAX_CLOSURE_FILES) {
    const next: string[] = [];
    for (const path of frontier) {
      const text = files.get(path);
      if (text === undefined) continue;
      for (const group of importCandidates(path, text)) {
        const take = async (c: string): Promise<boolean> => {
          if (files.has(c)) return true;
          if (tried.has(c) || files.size >= MAX_CLOSURE_FILES) return false;
          tried.add(c);
          const got = await read(c);
          if (got === undefined) return false;
          files.set(c, got);
          added.push(c);
          next.push(c);
          return true;
        };
        // the first candidate that exists is the import, as the interpreter would find it
        for (const c of group.any) if (await take(c)) break;
        for (const c of group.also ?? []) await take(c);
      }
    }
    frontier = next;
  }
  return added;
}
