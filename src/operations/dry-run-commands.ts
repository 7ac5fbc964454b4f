import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DryRunCommand, DryRunOutcome } from "../core/gates/code-review/dry-run.js";
import { runProcess } from "../exec/run-process.js";

export interface DryRunCommandsInput {
  commands: readonly DryRunCommand[];
  /** The checkout's root: commands name scripts relative to it. */
  cwd: string;
  timeoutMs: number;
  /** How many dry-runs at once (default 4). */
  concurrency?: number;
  /** Where logs go; a temp dir, removed afterwards, when absent. */
  logDir?: string;
}

/**
 * Runs each command once (argv, no shell) with a short timeout, on this machine: the gates
 * workflow runs it on a CPU runner of GitHub, never on the self-hosted GPU runners (docs/gates.md).
 * Outcomes keep the input order, so the verdict does not depend on which finished first.
 */
export async function dryRunCommands(input: DryRunCommandsInput): Promise<DryRunOutcome[]> {
  const logDir = input.logDir ?? (await mkdtemp(join(tmpdir(), "labgate-dry-run-")));
  const outcomes: DryRunOutcome[] = new Array(input.commands.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < input.commands.length; i = next++) {
      const cmd = input.commands[i] as DryRunCommand;
      // a script that saves into {checkpoint_dir} finds it, as under `labgate run`
      if (cmd.checkpointDir) await mkdir(cmd.checkpointDir, { recursive: true, mode: 0o700 });
      const o = await runProcess({
        argv: cmd.argv,
        cwd: input.cwd,
        logFile: join(logDir, `dry-run-${i}.log`),
        timeoutMs: input.timeoutMs,
        killGraceMs: 2_000,
        maxLogBytes: 1024 * 1024,
      });
      const { checkpointDir: _dir, ...planned } = cmd;
      outcomes[i] = {
        ...planned,
        exitCode: o.exitCode,
        signal: o.timedOut ? null : o.signal,
        timedOut: o.timedOut,
        spawnError: o.spawnError,
        durationMs: o.durationMs,
        logTail: o.logTail,
      };
    }
  };
  try {
    const n = Math.max(1, Math.min(input.concurrency ?? 4, input.commands.length));
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    if (!input.logDir) await rm(logDir, { recursive: true, force: true });
  }
  return outcomes;
}
