import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { SimpleGit } from "simple-git";
import { splitCommand } from "../../core/definitions/split-command.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { commandFileCandidates, scriptSupportsResume } from "../../core/runner/resume-argv.js";
import { headSha, shaMatches, uncommittedFiles } from "../../git/working-tree.js";

/** The checkout is not what the results would claim: refuse to start (SPEC §7, issue 3). */
export class SourceRefusal extends Error {}

/** Repo files each experiment's command runs (scripts named in argv that exist), by experiment id. */
export function commandFiles(cwd: string, runs: readonly PlannedRun[]): Map<string, string[]> {
  const byExp = new Map<string, string[]>();
  for (const run of runs) {
    if (byExp.has(run.exp_id)) continue;
    const split = splitCommand(run.experiment.command);
    const files = split.ok
      ? commandFileCandidates(split.argv).filter((f) => existsSync(resolve(cwd, f)))
      : [];
    byExp.set(run.exp_id, files);
  }
  return byExp;
}

/**
 * Results must map to a commit: HEAD must be `sha` when one is given, and the files the commands
 * use (the definitions, the config, every script a command names) must have no uncommitted
 * changes. Returns HEAD.
 */
export async function checkSource(
  git: SimpleGit,
  input: { cwd: string; sha?: string; files: readonly string[] },
): Promise<string> {
  if (!(await git.checkIsRepo().catch(() => false)))
    throw new SourceRefusal(
      `${input.cwd} is not a git repository; every result must name the commit that produced it.\n  fix: git init && git add -A && git commit -m "experiments"`,
    );
  let head: string;
  try {
    head = await headSha(git);
  } catch {
    throw new SourceRefusal(
      'this repository has no commit yet; every result must name the commit that produced it.\n  fix: git add -A && git commit -m "experiments"',
    );
  }
  if (input.sha !== undefined && !shaMatches(head, input.sha))
    throw new SourceRefusal(
      `--sha ${input.sha} is not the checked-out commit (HEAD is ${head}); labgate runs the approved commit and nothing else.\n  fix: git checkout ${input.sha}, or drop --sha`,
    );
  const dirty = await uncommittedFiles(git, input.files);
  if (dirty.length > 0)
    throw new SourceRefusal(
      `files the experiments use have uncommitted changes, so results could not name the commit that produced them:\n${dirty.map((f) => `  ${f}`).join("\n")}\n  fix: commit them (git add ${dirty.join(" ")} && git commit), or undo the changes (git restore ${dirty.join(" ")})`,
    );
  return head;
}

/** Whether any of the scripts supports `--resume` (read once per file). */
export async function supportsResume(
  cwd: string,
  files: readonly string[],
  cache: Map<string, boolean>,
): Promise<boolean> {
  for (const f of files) {
    let yes = cache.get(f);
    if (yes === undefined) {
      yes = await readFile(resolve(cwd, f), "utf8").then(scriptSupportsResume, () => false);
      cache.set(f, yes);
    }
    if (yes) return true;
  }
  return false;
}
