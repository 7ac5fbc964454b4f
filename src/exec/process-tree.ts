import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** One line of /proc/<pid>/stat: what the runner needs to follow a run's processes. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Process group and session: a run started detached leads both (pgid = sid = its pid). */
  pgid: number;
  sid: number;
  /** Clock ticks after boot: with the pid, it names one process even after the pid is reused. */
  start: number;
  comm: string;
  /** "Z": exited, not yet reaped; it holds nothing and cannot be signalled away. */
  state: string;
}

/** Parses /proc/<pid>/stat ("pid (comm) state ppid pgrp session ... starttime(22) ..."). */
export function parseStat(pid: number, stat: string): ProcInfo | undefined {
  const close = stat.lastIndexOf(")"); // comm may contain spaces and parentheses
  if (close < 0) return undefined;
  const f = stat.slice(close + 2).split(" ");
  return {
    pid,
    comm: stat.slice(stat.indexOf("(") + 1, close),
    state: f[0] ?? "?",
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    start: Number(f[19]),
  };
}

/**
 * Every process of the machine, from /proc (Linux); an empty map elsewhere. Read synchronously:
 * a few hundred tiny procfs reads take about a millisecond that way, several times less than
 * through the thread pool, and the runner reads the table at every run's exit.
 */
export async function processTable(): Promise<Map<number, ProcInfo>> {
  const table = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const info = parseStat(Number(e), readFileSync(`/proc/${e}/stat`, "utf8"));
      if (info) table.set(info.pid, info);
    } catch {
      // the process exited while we looked
    }
  }
  return table;
}

/** `roots` and every descendant of them in `table`. */
export function descendants(table: Map<number, ProcInfo>, roots: Iterable<number>): Set<number> {
  const tree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table.values())
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return tree;
}

/**
 * `pid` and its descendants, from /proc (Linux; elsewhere just `pid`). A run's command is often a
 * wrapper (`python3 train.py` under `accelerate`, a shell script) whose children hold the GPU.
 */
export async function processTree(pid: number): Promise<Set<number>> {
  return descendants(await processTable(), [pid]);
}

/**
 * The processes whose environment, as it was when they were started, holds `NAME=value`: every
 * descendant of a run inherits the run's mark unless it cleared its environment, even one that
 * left the run's session and parent (a double-forked daemon). Others' processes are unreadable
 * and skipped.
 */
export async function processesMarked(
  table: Map<number, ProcInfo>,
  name: string,
  value: string,
): Promise<Set<number>> {
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const found = new Set<number>();
  for (const pid of table.keys()) {
    try {
      const env = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
      if (env.includes(needle)) found.add(pid);
    } catch {
      // another user's process, or gone
    }
  }
  return found;
}

let boot: Promise<string | null> | undefined;

/** This boot's id (Linux), to tell a pid recorded before a reboot from a live one. */
export function bootId(): Promise<string | null> {
  boot ??= readFile("/proc/sys/kernel/random/boot_id", "utf8").then(
    (s) => s.trim() || null,
    () => null,
  );
  return boot;
}

/**
 * Whether the process `pid`, recorded with its start time `start` on this boot, or any process
 * of the group it led, still runs (a killed runner's orphaned run, say). A zombie (exited, its
 * new parent has not reaped it) holds nothing and does not count.
 */
export async function stillRunning(pid: number, start: number | null): Promise<boolean> {
  if (!hasProc()) return isAlive(pid) || isAlive(-pid);
  const table = await processTable();
  const leader = table.get(pid);
  // A live process with another start time reused the pid: the run's group ended before it could.
  if (leader && leader.state !== "Z") return start === null || leader.start === start;
  // The leader is gone (or an unreaped zombie); its group lives while any member does.
  for (const p of table.values()) if (p.pgid === pid && p.state !== "Z") return true;
  return false;
}

/**
 * Whether `pid` runs and is the process that started at `start` (when known): not a zombie, not
 * an unrelated process that reused the pid. Without /proc, whether the pid exists.
 */
export async function processAlive(pid: number, start: number | null): Promise<boolean> {
  if (!hasProc()) return isAlive(pid);
  try {
    const p = parseStat(pid, await readFile(`/proc/${pid}/stat`, "utf8"));
    return p !== undefined && p.state !== "Z" && (start === null || p.start === start);
  } catch {
    return false;
  }
}

const hasProc = () => existsSync("/proc/self/stat");

/** The start time (clock ticks after boot) of `pid`, or null when it is gone or unknown. */
export async function processStart(pid: number): Promise<number | null> {
  try {
    return parseStat(pid, await readFile(`/proc/${pid}/stat`, "utf8"))?.start ?? null;
  } catch {
    return null;
  }
}

/** Whether `pid` exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
