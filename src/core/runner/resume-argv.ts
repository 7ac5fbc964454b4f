import { substituteArgv } from "../definitions/command-placeholders.js";
import { splitCommand } from "../definitions/split-command.js";
import type { PlannedRun } from "../plan/planned-run.js";
import { commandValues } from "./command-values.js";

/**
 * What a retry of this run appends to resume from its checkpoint: the experiment's own spelling
 * (`script_flags.resume`, e.g. `--load {checkpoint_dir}/model.pt`), nothing when it says the
 * script cannot resume (`null`: a retry starts over), else `--resume` when the script names it.
 */
export function resumeArgsOf(run: PlannedRun, scriptSupportsResume: boolean): string[] {
  const spelled = run.experiment.script_flags?.resume;
  if (spelled === null) return [];
  if (spelled === undefined) return scriptSupportsResume ? ["--resume"] : [];
  const split = splitCommand(spelled);
  return split.ok ? substituteArgv(split.argv, commandValues(run)) : [];
}

/** `argv` with the resume arguments appended, unless the command already passes their flag. */
export function withResumeArgs(argv: readonly string[], resumeArgs: readonly string[]): string[] {
  const flag = resumeArgs[0];
  if (flag === undefined || argv.includes(flag)) return [...argv];
  return [...argv, ...resumeArgs];
}

/**
 * A retry continues from the checkpoint: `--resume` is appended when the script supports it
 * (docs/runners.md) and the command does not already pass it.
 */
export function withResume(argv: readonly string[], scriptSupportsResume: boolean): string[] {
  if (!scriptSupportsResume || argv.includes("--resume")) return [...argv];
  return [...argv, "--resume"];
}

/** A script supports `--resume` when its source names the flag (the code-review gate's check). */
export function scriptSupportsResume(scriptSource: string): boolean {
  return /(^|[^\w-])--resume(?![\w-])/.test(scriptSource);
}

/**
 * The files a command runs: argv elements without placeholders that look like a path to a
 * script (`python3 experiments/scripts/train.py ...` → `experiments/scripts/train.py`). The
 * caller keeps only those that exist in the repo.
 */
export function commandFileCandidates(argv: readonly string[]): string[] {
  return argv.filter(
    (a, i) =>
      !a.startsWith("-") &&
      !a.includes("{") &&
      (a.includes("/") || /\.(py|sh|js|mjs|cjs|ts|rb|pl|jl|R)$/.test(a)) &&
      // argv[0] counts only when it is a path (./train.sh), not a program on PATH (python3)
      (i > 0 || a.includes("/")),
  );
}
