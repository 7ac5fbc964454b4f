import { execa } from "execa";

/**
 * The checkout's changes as `git status` lists them (`XY path`, untracked files included), or
 * undefined where `cwd` is not a git checkout. Python's bytecode cache (`__pycache__/`, `*.pyc`)
 * is left out: the interpreter writes it on import, not the script.
 */
export async function checkoutChanges(cwd: string): Promise<Set<string> | undefined> {
  const r = await execa("git", ["status", "--porcelain=v1", "-z", "--untracked-files=all"], {
    cwd,
    reject: false,
    stdin: "ignore",
  });
  if (r.failed || r.exitCode !== 0) return undefined;
  const out = new Set<string>();
  const parts = String(r.stdout).split("\0");
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i] as string;
    if (entry.length < 4) continue;
    // a rename's old path follows as its own field
    if (entry[0] === "R" || entry[0] === "C") i++;
    const path = entry.slice(3);
    if (/(^|\/)__pycache__\/|\.py[co]$/.test(path)) continue;
    out.add(path);
  }
  return out;
}
