import { readdir, readFile } from "node:fs/promises";

/**
 * `pid` and its descendants, from /proc (Linux; elsewhere just `pid`). A run's command is often a
 * wrapper (`python3 train.py` under `accelerate`, a shell script) whose children hold the GPU.
 */
export async function processTree(pid: number): Promise<Set<number>> {
  const tree = new Set([pid]);
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return tree;
  }
  const parentOf = new Map<number, number>();
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const stat = await readFile(`/proc/${e}/stat`, "utf8");
          // "pid (comm) state ppid ..."; comm may contain spaces and parentheses
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          parentOf.set(Number(e), ppid);
        } catch {
          // the process exited while we looked
        }
      }),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of parentOf)
      if (!tree.has(child) && tree.has(parent)) {
        tree.add(child);
        grew = true;
      }
  }
  return tree;
}
