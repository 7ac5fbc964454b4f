import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Failure, fail, failFrom } from "../core/failure/failure.js";
import type { ProcInfo } from "./process-tree.js";
import { describeProcs, RUN_MARK, RunGroup } from "./run-group.js";
import { untrustedEnv } from "./untrusted-env.js";

export interface RunProcessOptions {
  /** argv[0] is the program; never run through a shell (docs/definitions.md). */
  argv: readonly string[];
  cwd: string;
  /**
   * The process's environment (default: this process's). Every process started here runs
   * repository code, so credentials are always removed first (`untrustedEnv`).
   */
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr both go here, cut off after `maxLogBytes` (default 10 MB). */
  logFile: string;
  maxLogBytes?: number;
  /** Append to `logFile` (a retry) instead of starting it afresh; `logHeader` is written first. */
  appendLog?: boolean;
  logHeader?: string;
  /** Stop the process (SIGTERM, then SIGKILL after `killGraceMs`) after this long. */
  timeoutMs?: number;
  killGraceMs?: number;
  /** Aborting stops the process the same way (Ctrl+C, /cancel, early stop). */
  signal?: AbortSignal;
  /** Called once the process has started. */
  onSpawn?: (pid: number | undefined) => void;
  /**
   * Start it as the leader of its own session and process group, so a Ctrl+C in the terminal
   * reaches labgate only, labgate decides how each run stops (SIGTERM, then SIGKILL) and records
   * it as cancelled, and a stop reaches the whole group. Such a process outlives a labgate killed
   * by a signal it does not handle: a shell that exits on a signal calls `killRunning` first, and
   * `labgate run` reconciles what a SIGKILLed runner left (reconcile-sidecars.ts).
   */
  detached?: boolean;
}

const live = new Set<RunGroup>();
let exitHook = false;

/**
 * Sends `signal` to every process of every run `runProcess` started that is still running (its
 * group and the processes recorded under it), synchronously: for a shell that exits right after.
 */
export function killRunning(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const group of live) group.signalKnownSync(signal);
}

export interface ProcessOutcome {
  exitCode: number | null;
  /** e.g. "SIGKILL" when the process died of a signal. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The last ~4 KB written, for failure reasons (out-of-memory messages and the like). */
  logTail: string;
  logBytes: number;
  logTruncated: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES); the error is its cause. */
  spawnError: Failure<"spawn-error"> | null;
  /**
   * Processes of the run still running when its main process exited, `pid (comm)`: they were
   * stopped (SIGTERM, then SIGKILL after the grace) and named in the log.
   */
  survivors: string[];
}

const TAIL_BYTES = 4096;

/**
 * Runs one command as argv (no shell) with its own capped log file, and owns every process it
 * starts. Started `detached`, the command leads its own session and process group; a timeout or
 * the cancel signal stops the whole run (the group, the tree recorded under its pid, and every
 * process carrying the run's mark in its environment): SIGTERM, `killGraceMs`, then SIGKILL.
 * When the main process exits, any process of the run still running is stopped the same way and
 * named in the log. Output is drained continuously, so a process printing 100 MB neither stalls
 * on a full pipe nor fills the disk; and it is read at most `killGraceMs` after the main process
 * exited, so a process that holds the pipe and escaped every search cannot keep the caller
 * waiting (README, "Running a campaign on one machine").
 */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  const maxLog = opts.maxLogBytes ?? 10 * 1024 * 1024;
  const graceMs = opts.killGraceMs ?? 10_000;
  const detached = opts.detached ?? false;
  await mkdir(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: opts.appendLog ? "a" : "w" });
  if (opts.logHeader) log.write(opts.logHeader);
  let written = 0;
  let total = 0;
  let truncated = false;
  let tail = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    total += chunk.length;
    tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    if (written < maxLog) {
      const part = chunk.subarray(0, maxLog - written);
      written += part.length;
      log.write(part);
      if (written >= maxLog && !truncated) {
        truncated = true;
        log.write(`\n[labgate: log cut at ${maxLog} bytes; the rest was discarded]\n`);
      }
    }
  };
  const note = (s: string) => log.write(`\n[labgate: ${s}]\n`);
  const outcome = (o: Partial<ProcessOutcome>): ProcessOutcome => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    durationMs: Date.now() - started,
    logTail: tail.toString("utf8"),
    logBytes: total,
    logTruncated: truncated,
    spawnError: null,
    survivors: [],
    ...o,
  });

  const [file, ...args] = opts.argv as [string, ...string[]];
  const mark = randomUUID();
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: opts.cwd,
      env: { ...untrustedEnv(opts.env ?? process.env), [RUN_MARK]: mark },
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      detached,
    });
  } catch (err) {
    await endLog(log);
    return outcome({ spawnError: failFrom("spawn-error", err) });
  }
  const failed = new Promise<Error>((resolve) => child.once("error", resolve));
  const pid = child.pid;
  if (pid === undefined) {
    const err = await failed;
    await endLog(log);
    return outcome({ spawnError: fail("spawn-error", err.message || "could not start", err) });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const group = new RunGroup(pid, mark, detached);
  live.add(group);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => killRunning("SIGKILL"));
  }
  opts.onSpawn?.(pid);

  let timedOut = false;
  let cancelled = false;
  let stopping: Promise<void> | undefined;
  const termNote = (why: string) => (termed: ProcInfo[]) => {
    if (termed.length > 0) note(`${why}: sent SIGTERM to ${describeProcs(termed)}`);
  };
  const report = (r: Awaited<ReturnType<RunGroup["stop"]>>) => {
    if (r.killed.length > 0)
      note(
        `still running after the ${seconds(graceMs)} grace, killed with SIGKILL: ${describeProcs(r.killed)}`,
      );
    if (r.left.length > 0)
      note(`could not stop ${describeProcs(r.left)} (another user's processes?)`);
  };
  const stop = (why: string) => {
    stopping ??= group.stop(graceMs, termNote(why)).then(report);
    return stopping;
  };
  // 0 means none; setTimeout fires at once past 2^31-1 ms, so a longer limit waits 24.8 days
  const timer = opts.timeoutMs
    ? setTimeout(
        () => {
          timedOut = true;
          void stop(`time limit of ${seconds(opts.timeoutMs ?? 0)} reached`);
        },
        Math.min(opts.timeoutMs, 2 ** 31 - 1),
      )
    : undefined;
  const onAbort = () => {
    cancelled = true;
    void stop("cancelled");
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  const exit = await exited;
  const exitedAt = Date.now();
  clearTimeout(timer);
  opts.signal?.removeEventListener("abort", onAbort);
  let survivors: string[] = [];
  // Processes of the run still running once its main process exited: stopped the same way.
  // Looked for again while the output is still held (one found mid-exec may have been missed).
  const sweep = async () => {
    const left = (await group.members(true)).filter((p) => !survivors.includes(procName(p)));
    if (left.length === 0) return;
    survivors = [...survivors, ...left.map(procName)];
    note(
      `the run's main process exited; ${left.length} of its processes still running: ${left.map(procName).join(", ")}`,
    );
    report(await group.stop(graceMs, termNote("stopping them")));
  };
  if (stopping) await stopping;
  else await sweep();
  // A process nothing above could find may still hold the pipe: read no longer than the grace.
  let drained = false;
  void closed.then(() => {
    drained = true;
  });
  const reading = new AbortController(); // no timer may keep labgate alive once drained
  const readUntil = Math.max(exitedAt + graceMs, Date.now() + 100);
  while (!drained && Date.now() < readUntil) {
    await Promise.race([
      closed,
      sleep(Math.min(200, readUntil - Date.now()), undefined, { signal: reading.signal }).catch(
        () => {},
      ),
    ]);
    if (!drained && Date.now() < readUntil) await sweep();
  }
  reading.abort();
  group.close();
  live.delete(group);
  if (!drained) {
    note(
      `stopped reading the run's output ${seconds(graceMs)} after it exited: a process labgate could not find still holds it`,
    );
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  await endLog(log);
  return outcome({
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    cancelled,
    durationMs: exitedAt - started,
    survivors,
  });
}

const procName = (p: ProcInfo) => `${p.pid} (${p.comm})`;

function endLog(log: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => log.end(resolve));
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
