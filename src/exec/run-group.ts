import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  descendants,
  type ProcInfo,
  parseStat,
  processesMarked,
  processTable,
} from "./process-tree.js";

/** The environment variable that marks every process a run starts (inherited by descendants). */
export const RUN_MARK = "LABGATE_RUN_MARK";

/** How often the tree under each live run is recorded (tests lower it). */
const SAMPLE_MS = Number(process.env.LABGATE_TREE_SAMPLE_MS) || 250;

const watched = new Set<RunGroup>();
let sampler: NodeJS.Timeout | undefined;

/**
 * All the processes of one run, found three ways (README, "Running a campaign on
 * one machine"): its process group (the run leads it when started detached), the tree under its pid
 * as recorded by sampling /proc while it runs (so a child that called setsid and then lost its
 * parent is still known), and the run's mark in a process's environment (a daemon that
 * double-forked between two samples). Each known process is kept with its start time, so a pid
 * reused by an unrelated process is never signalled.
 */
export class RunGroup {
  private readonly known = new Map<number, number>();

  constructor(
    readonly pid: number,
    private readonly mark: string,
    private readonly ownGroup: boolean,
  ) {
    watched.add(this);
    sampler ??= setInterval(() => void sampleAll().catch(() => {}), SAMPLE_MS).unref();
  }

  /** Records the descendants of every known process that `table` shows. */
  absorb(table: Map<number, ProcInfo>): void {
    const leader = table.get(this.pid);
    if (leader && !this.known.has(this.pid)) this.known.set(this.pid, leader.start);
    for (const pid of descendants(table, this.known.keys())) {
      const p = table.get(pid);
      if (p && !this.known.has(pid)) this.known.set(pid, p.start);
    }
  }

  /**
   * The run's processes alive now (zombies excluded), the leader included while it lives.
   * `marked` also scans every process's environment for the run's mark (a few ms).
   */
  async members(marked: boolean): Promise<ProcInfo[]> {
    const table = await processTable();
    this.absorb(table);
    // Only a process started after the run can carry its mark: a few to read, not the machine.
    const since = this.known.get(this.pid) ?? 0;
    const mine = marked
      ? await processesMarked(
          new Map([...table].filter(([, p]) => p.start >= since)),
          RUN_MARK,
          this.mark,
        )
      : new Set<number>();
    for (const pid of mine) {
      const p = table.get(pid);
      if (p && !this.known.has(pid)) this.known.set(pid, p.start);
    }
    // a marked process's own descendants (started with env -i, say)
    this.absorb(table);
    const out: ProcInfo[] = [];
    for (const p of table.values()) {
      if (p.pid === process.pid || p.state === "Z") continue;
      const inGroup = this.ownGroup && p.pgid === this.pid;
      if (inGroup || this.known.get(p.pid) === p.start) out.push(p);
    }
    return out;
  }

  /** Sends `signal` to the run's group and to each of `members`; gone ones are skipped. */
  signal(signal: NodeJS.Signals, members: readonly ProcInfo[]): void {
    if (this.ownGroup) tryKill(-this.pid, signal);
    for (const p of members) tryKill(p.pid, signal);
  }

  /**
   * Synchronously sends `signal` to the group and every process recorded for the run that is still
   * the same process: for a shell that is about to exit.
   */
  signalKnownSync(signal: NodeJS.Signals): void {
    if (this.ownGroup) tryKill(-this.pid, signal);
    for (const [pid, start] of this.known) {
      let same = false;
      try {
        same = parseStat(pid, readFileSync(`/proc/${pid}/stat`, "utf8"))?.start === start;
      } catch {
        // gone
      }
      if (same) tryKill(pid, signal);
    }
  }

  /** Stops following the run (it and every process it started are gone). */
  close(): void {
    watched.delete(this);
    if (watched.size === 0 && sampler) {
      clearInterval(sampler);
      sampler = undefined;
    }
  }

  /**
   * SIGTERM to every process of the run, `graceMs` for them to exit, then SIGKILL to those left
   * (and to any found later), until none is left or `settleMs` more have passed. `onTerm` hears
   * of the SIGTERM as it is sent. Returns the processes that got SIGTERM and those that needed
   * SIGKILL.
   */
  async stop(
    graceMs: number,
    onTerm: (termed: ProcInfo[]) => void = () => {},
    settleMs = 2000,
  ): Promise<{ termed: ProcInfo[]; killed: ProcInfo[]; left: ProcInfo[] }> {
    const termed = await this.members(true);
    this.signal("SIGTERM", termed);
    onTerm(termed);
    const deadline = Date.now() + graceMs;
    let left = termed;
    while (Date.now() < deadline) {
      await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
      left = await this.members(false);
      if (left.length === 0) break;
    }
    const killed: ProcInfo[] = [];
    if (left.length > 0) {
      const end = Date.now() + settleMs;
      let round = await this.members(true);
      while (round.length > 0 && Date.now() < end) {
        for (const p of round) if (!killed.some((k) => k.pid === p.pid)) killed.push(p);
        this.signal("SIGKILL", round);
        await sleep(20);
        round = await this.members(false);
      }
      left = round;
    }
    return { termed, killed, left };
  }
}

async function sampleAll(): Promise<void> {
  if (watched.size === 0) return;
  const table = await processTable();
  for (const g of watched) g.absorb(table);
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone already; EPERM: not ours to stop
  }
}

/** `pid (comm)` for a log line. */
export function describeProcs(procs: readonly ProcInfo[]): string {
  return procs.map((p) => `${p.pid} (${p.comm})`).join(", ");
}
