import { execFile } from "node:child_process";
import { type SimpleGit, simpleGit } from "simple-git";

/** Runs one git command (argv after `git`) in a repository and resolves to its stdout. */
export type GitRunner = (args: readonly string[]) => Promise<string>;

/**
 * git through simple-git in `dir`, with `config` as `-c` settings on every command. simple-git
 * refuses settings that run a command (hooks, fsmonitor) unless told they are meant; labgate
 * only ever turns them OFF (NO_HOOKS), so those two are allowed. simple-git also drops ambient
 * `GIT_*` variables (a `GIT_DIR` from a hook cannot redirect the checkout's commands). Any
 * non-zero exit rejects, with git's output as the message.
 */
export function simpleGitRunner(dir: string, config: readonly string[]): GitRunner {
  return fromSimpleGit(
    simpleGit({
      baseDir: dir,
      config: [...config],
      unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true },
      // simple-git's default counts a failure only when git wrote to stderr; `commit --quiet`
      // with nothing to commit exits 1 silently. Every non-zero exit is a failure here.
      errors: (error, result) =>
        error ??
        (result.exitCode === 0
          ? undefined
          : Buffer.concat([
              ...result.stdErr,
              ...result.stdOut,
              Buffer.from(
                result.stdErr.length + result.stdOut.length === 0
                  ? `git exited ${result.exitCode}`
                  : "",
              ),
            ])),
    }),
  );
}

/** A runner over a simple-git instance someone else built (the shells' `simpleGit(cwd)`). */
export function fromSimpleGit(git: SimpleGit): GitRunner {
  return (args) => git.raw([...args]);
}

/**
 * git as a plain child process in `dir`, `config` given as `-c` before every command, with
 * exactly `env` (nothing dropped, prompts off). For the push of an auto-fix, which must honour
 * the runner's own git environment as the workflow set it. An error names the command without
 * its `-c` values, which may hold a token.
 */
export function processGitRunner(
  dir: string,
  config: readonly string[],
  env: NodeJS.ProcessEnv,
): GitRunner {
  return (args) => {
    const argv = [...config.flatMap((c) => ["-c", c]), ...args];
    return new Promise((resolve, reject) => {
      execFile(
        "git",
        argv,
        { cwd: dir, env: { ...env, GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          reject(new Error(`git ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
        },
      );
    });
  };
}
