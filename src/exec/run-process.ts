import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { execa } from "execa";
import { untrustedEnv } from "./untrusted-env.js";

export interface RunProcessOptions {
  /** argv[0] is the program; never run through a shell (SPEC §3). */
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
   * Start it in its own process group, so a Ctrl+C in the terminal reaches labgate only and
   * labgate decides how each run stops (SIGTERM, then SIGKILL) and records it as cancelled.
   * Such a process outlives a labgate that exits abruptly: call `killRunning` first.
   */
  detached?: boolean;
}

const live = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();

/** Sends `signal` to every process `runProcess` started that is still running. */
export function killRunning(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const child of live) child.kill(signal);
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
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError: string | null;
}

const TAIL_BYTES = 4096;

/**
 * Runs one command as argv with execa: no shell, its own capped log file, a timeout and a cancel
 * signal that both stop it with SIGTERM then SIGKILL. Output is drained continuously, so a
 * process printing 100 MB neither stalls on a full pipe nor fills the disk.
 */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessOutcome> {
  const maxLog = opts.maxLogBytes ?? 10 * 1024 * 1024;
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

  const [file, ...args] = opts.argv as [string, ...string[]];
  const started = Date.now();
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: untrustedEnv(opts.env ?? process.env),
    extendEnv: false,
    shell: false,
    reject: false,
    stdin: "ignore",
    buffer: false,
    timeout: opts.timeoutMs,
    killSignal: "SIGTERM",
    forceKillAfterDelay: opts.killGraceMs ?? 10_000,
    cancelSignal: opts.signal,
    cleanup: true,
    detached: opts.detached ?? false,
  });
  live.add(child);
  opts.onSpawn?.(child.pid);
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const result = await child.finally(() => live.delete(child));
  await new Promise<void>((resolve) => log.end(resolve));
  const spawnError =
    result.failed &&
    result.exitCode === undefined &&
    !result.signal &&
    !result.timedOut &&
    !result.isCanceled
      ? ((result.cause instanceof Error ? result.cause.message : result.shortMessage) ??
        "could not start")
      : null;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut: result.timedOut,
    cancelled: result.isCanceled,
    durationMs: Date.now() - started,
    logTail: tail.toString("utf8"),
    logBytes: total,
    logTruncated: truncated,
    spawnError,
  };
}
