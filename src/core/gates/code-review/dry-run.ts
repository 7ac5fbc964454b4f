import { substituteArgv } from "../../definitions/command-placeholders.js";
import type { ResolvedExperiment } from "../../definitions/definitions-schema.js";
import { splitCommand } from "../../definitions/split-command.js";
import type { Failure } from "../../failure/failure.js";
import { expandRuns } from "../../plan/expand-runs.js";
import { commandValues } from "../../runner/command-values.js";

/** One dry-run to make: a command template's argv, filled with its first experiment's first run. */
export interface DryRunCommand {
  argv: string[];
  /** Every experiment whose command is this template; the first supplied the values. */
  exp_ids: string[];
  /** The run's `{checkpoint_dir}`, created before it starts, as the runner does. */
  checkpointDir?: string;
}

/** What a dry-run did: the facts the code-review gate judges. */
export interface DryRunOutcome extends DryRunCommand {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the program could not be started (not installed, not executable). */
  spawnError: Failure<"spawn-error"> | null;
  durationMs: number;
  /** The end of its output, for the failure reason. */
  logTail: string;
}

/**
 * Each distinct command template runs once with `--dry-run`, or the experiment's own spelling of
 * it (`script_flags.dry_run`; none when that is null), (docs/gates.md): filled with the values of
 * the first run of the first experiment that uses it, checkpoints and result files under `tmpDir`
 * so a misbehaving dry-run cannot write into the repository.
 */
export function planDryRuns(
  experiments: readonly ResolvedExperiment[],
  tmpDir: string,
): DryRunCommand[] {
  const byTemplate = new Map<string, DryRunCommand>();
  for (const exp of experiments) {
    const spelled = exp.script_flags?.dry_run;
    // the experiment says its script has no dry-run: the gate's warning says what that costs
    if (spelled === null) continue;
    const template = spelled === undefined ? exp.command : `${exp.command}\0${spelled}`;
    const existing = byTemplate.get(template);
    if (existing) {
      existing.exp_ids.push(exp.id);
      continue;
    }
    const split = splitCommand(exp.command);
    const run = expandRuns([exp], { tmpDir, resultsDir: tmpDir })[0];
    if (!split.ok || !run) continue;
    const argv = substituteArgv(split.argv, commandValues(run));
    const dry = spelled === undefined ? undefined : splitCommand(spelled);
    const dryArgs = dry?.ok ? substituteArgv(dry.argv, commandValues(run)) : ["--dry-run"];
    if (!argv.includes(dryArgs[0] as string)) argv.push(...dryArgs);
    byTemplate.set(template, { argv, exp_ids: [exp.id], checkpointDir: run.checkpoint_dir });
  }
  return [...byTemplate.values()];
}

export function dryRunFailure(o: DryRunOutcome, timeoutSeconds: number): string | null {
  if (o.spawnError) return `could not start \`${o.argv[0]}\`: ${o.spawnError.message}`;
  if (o.timedOut)
    return `timed out after ${timeoutSeconds} s (gates.dry_run_timeout_seconds); a dry-run should validate inputs and train a tiny subset, then exit`;
  if (o.signal) return `killed by ${o.signal}`;
  if (o.exitCode !== 0) return `exited with code ${o.exitCode}`;
  return null;
}
