import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, normalize, resolve } from "node:path";
import { splitCommand } from "../../core/definitions/split-command.js";
import { importCandidates } from "../../core/gates/code-review/import-graph.js";
import { resolveScript } from "../../core/gates/code-review/resolve-script.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { commandFileCandidates, scriptSupportsResume } from "../../core/runner/resume-argv.js";
import type { GitRepo } from "../../git/git-repo.js";
import { headSha, shaMatches, uncommittedFiles } from "../../git/working-tree.js";
import { isInside } from "../contained-files.js";
import { MAX_CLOSURE_FILES } from "../read-import-closure.js";

/** The checkout is not what the results would claim: refuse to start (docs/approval.md, issue 3). */
export class SourceRefusal extends Error {}

/**
 * Repo files each experiment's command runs, by experiment id: the scripts named in argv that
 * exist (and a `python -m` module's file), and every repository file they import or, for a shell
 * wrapper, run (transitively). An argument naming a path outside the checkout (a dataset folder,
 * `/datasets/wt2`) is data, not code, and is left out.
 */
export function commandFiles(cwd: string, runs: readonly PlannedRun[]): Map<string, string[]> {
  const root = resolve(cwd);
  const inRepo = (rel: string) => {
    if (isAbsolute(rel)) return false;
    const abs = resolve(root, rel);
    return (abs === root || isInside(root, abs)) && existsSync(abs);
  };
  const texts = new Map<string, string | undefined>();
  const read = (rel: string): string | undefined => {
    if (!texts.has(rel)) {
      let text: string | undefined;
      try {
        const abs = resolve(root, rel);
        const st = lstatSync(abs);
        text = st.isFile() && st.size <= MAX_SOURCE_BYTES ? readFileSync(abs, "utf8") : undefined;
      } catch {
        text = undefined;
      }
      texts.set(rel, text);
    }
    return texts.get(rel);
  };
  const byExp = new Map<string, string[]>();
  for (const run of runs) {
    if (byExp.has(run.exp_id)) continue;
    const split = splitCommand(run.experiment.command);
    if (!split.ok) {
      byExp.set(run.exp_id, []);
      continue;
    }
    const target = resolveScript(split.argv);
    const named = [
      ...commandFileCandidates(split.argv).map((f) => normalize(f)),
      ...(target.ok ? target.candidates.filter((c) => read(c) !== undefined).slice(0, 1) : []),
    ].filter(inRepo);
    const files = new Set(named);
    const queue = named.filter((f) => read(f) !== undefined);
    for (let i = 0; i < queue.length && files.size < MAX_CLOSURE_FILES; i++) {
      const path = queue[i] as string;
      for (const group of importCandidates(path, read(path) as string)) {
        const first = group.any.find((c) => read(c) !== undefined);
        for (const c of [...(first === undefined ? [] : [first]), ...(group.also ?? [])])
          if (!files.has(c) && read(c) !== undefined) {
            files.add(c);
            queue.push(c);
          }
      }
    }
    byExp.set(run.exp_id, [...files]);
  }
  return byExp;
}

/** A source file larger than this is not read for imports (a generated or vendored blob). */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * Results must map to a commit: HEAD must be `sha` when one is given, and the files the commands
 * use (the definitions, the config, every script a command names and every repository module it
 * imports) must have no uncommitted changes. Returns HEAD.
 */
export async function checkSource(
  git: GitRepo,
  input: { cwd: string; sha?: string; files: readonly string[] },
): Promise<string> {
  return (await checkSourceState(git, input)).head;
}

/** What a run records about the checkout it ran from (docs/results.md, provenance). */
export interface SourceState {
  head: string;
  /** Files the commands use that differ from HEAD; empty unless `allowDirty`. */
  dirty: string[];
  /** sha256 of `git diff HEAD` over those files plus their untracked contents; null when clean. */
  diffSha256: string | null;
}

/**
 * `checkSource`, and with `allowDirty` (`labgate run --allow-dirty`) uncommitted changes are
 * named instead of refused: each row's provenance then says `dirty: true` with the hash of the
 * diff, so a result never passes for the commit's.
 */
export async function checkSourceState(
  git: GitRepo,
  input: { cwd: string; sha?: string; files: readonly string[]; allowDirty?: boolean },
): Promise<SourceState> {
  if (!(await git.isRepo()))
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
  if (dirty.length === 0) return { head, dirty, diffSha256: null };
  if (!input.allowDirty)
    throw new SourceRefusal(
      `files the experiments use have uncommitted changes, so results could not name the commit that produced them:\n${dirty.map((f) => `  ${f}`).join("\n")}\n  fix: commit them (git add ${dirty.join(" ")} && git commit), or undo the changes (git restore ${dirty.join(" ")}); or run with --allow-dirty to record each result as dirty, with the hash of the diff`,
    );
  const hash = createHash("sha256");
  hash.update(await git.diffFromHead(dirty));
  for (const f of dirty) {
    // untracked files are not in the diff: their content is
    const tracked = await git.isTracked(f);
    if (!tracked)
      hash.update(`\0${f}\0`).update(await readFile(resolve(input.cwd, f)).catch(() => ""));
  }
  return { head, dirty, diffSha256: hash.digest("hex") };
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
