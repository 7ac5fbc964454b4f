/**
 * A retry continues from the checkpoint: `--resume` is appended when the script supports it
 * (SPEC §8) and the command does not already pass it.
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
