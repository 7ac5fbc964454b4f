/** What a CLI command gets from its host process: injected so tests can run commands in-process too. */
export interface CliContext {
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
/** The input is wrong (a failed validation, a failed gate, a failed run). */
export const EXIT_FAILED = 1;
/** The command line is wrong. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}
