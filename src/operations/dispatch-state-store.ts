import { readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "../core/config/config-schema.js";
import { messageOf } from "../core/failure/failure.js";
import { SIDECAR_SUFFIX, statePath } from "../core/paths/layout.js";
import { mergeIntoState } from "../core/state/aggregate-state.js";
import { parseDispatchState, parseSidecar } from "../core/state/parse-dispatch-state.js";
import { serializeDispatchState } from "../core/state/serialize-dispatch-state.js";
import type { DispatchState, StateEntry } from "../core/state/state-entry.js";
import type { Sidecar } from "../core/state/state-entry-schema.js";
import { GitRepo } from "../git/git-repo.js";
import { readFileAtHead } from "../git/read-file-at-head.js";
import {
  type ContainedRead,
  containedDirProblem,
  containedReader,
  MAX_SIDECAR_BYTES,
  MAX_STATE_FILE_BYTES,
} from "./contained-files.js";
import { writeAtomic } from "./results/write-atomic.js";

export interface StateLog {
  info(s: string): void;
  warn(s: string): void;
}

export interface DispatchStateRead {
  /** state.json merged with every sidecar, by run id. */
  entries: Map<string, StateEntry>;
  /**
   * state.json as read (or as recovered from HEAD); undefined when there is none yet. Its entries
   * are the merged ones: the merge updates them in place rather than copy 10^6 entries.
   */
  state: DispatchState | undefined;
  /** Everything that was reported: a recovered state, unknown runs, skipped sidecars. */
  warnings: string[];
  /** Set when state.json was unreadable and the last commit's copy was used. */
  recoveredFrom?: "HEAD";
  /** Repo-relative paths of the sidecars that were merged. */
  sidecars: string[];
}

/** state.json is unreadable and git holds no readable copy: the caller must stop, not start empty. */
export class DispatchStateError extends Error {}

export interface StateFileRead {
  /** The state as read, or as recovered from HEAD; undefined when there is none yet. */
  state: DispatchState | undefined;
  /** Set when state.json was unreadable and the last commit's copy was used. */
  recoveredFrom?: "HEAD";
  warnings: string[];
}

/**
 * Reads `dispatch/state.json` from the checkout (docs/dispatch-state.md). A malformed state.json is reported with
 * its path and recovered from the last commit; its bytes are kept beside it as
 * `state.json.malformed`. A dispatch or results folder that leads out of the repository stops it
 * before anything is read or written.
 */
export async function readStateFile(input: {
  cwd: string;
  config: Pick<Config, "dispatch_dir" | "results_dir">;
  git?: GitRepo;
  warn?: (s: string) => void;
}): Promise<StateFileRead> {
  const { cwd, config } = input;
  const warnings: string[] = [];
  const warn = (s: string) => {
    warnings.push(s);
    input.warn?.(s);
  };
  const rel = statePath(config);
  const abs = resolve(cwd, rel);
  let state: DispatchState | undefined;
  let recoveredFrom: "HEAD" | undefined;
  await checkDispatchDirs(cwd, config);
  const read = await containedReader(cwd, MAX_STATE_FILE_BYTES)(rel);
  if (!read.ok && read.code === "outside-root")
    throw new DispatchStateError(
      `${read.message}\n  labgate reads and writes the dispatch state only inside the repository; nothing was read or written.`,
    );
  if (read.ok) {
    const parsed = parseDispatchState(rel, read.text);
    if (parsed.ok) state = parsed.value;
    else {
      state = await recoverFromHead(input.git ?? GitRepo.open(cwd), rel, parsed.message);
      recoveredFrom = "HEAD";
      await writeFile(`${abs}.malformed`, read.text);
      warn(
        `${parsed.message}\n  recovered ${rel} from the last commit (HEAD); the unreadable file is kept as ${rel}.malformed, and runs since that commit come back from their sidecars.`,
      );
    }
  } else if (read.code !== "missing") {
    state = await recoverFromHead(input.git ?? GitRepo.open(cwd), rel, read.message);
    recoveredFrom = "HEAD";
    warn(
      `${read.message}\n  recovered ${rel} from the last commit (HEAD); the state is written back as a file.`,
    );
  }
  return { state, recoveredFrom, warnings };
}

/**
 * Every run, merge and results commit starts here: a dispatch or results folder that leads out of
 * the repository (a committed symbolic link) stops it before anything is written there.
 */
export async function checkDispatchDirs(
  cwd: string,
  config: Pick<Config, "dispatch_dir" | "results_dir">,
): Promise<void> {
  for (const dir of [config.dispatch_dir, config.results_dir]) {
    const problem = await containedDirProblem(cwd, dir);
    if (problem)
      throw new DispatchStateError(
        `${problem}\n  labgate reads and writes the dispatch state and the results only inside the repository; nothing was read or written.\n  fix: make \`${dir}\` a plain folder of the repository (\`git rm ${dir}\` if a symbolic link was committed there).`,
      );
  }
}

/**
 * Reads `dispatch/state.json` (`readStateFile`) and merges every `dispatch/*.status.json` sidecar
 * into it (docs/dispatch-state.md). A sidecar for a run the state does not know is reported and kept; a
 * malformed sidecar is reported with its path and skipped.
 */
export async function readDispatchState(input: {
  cwd: string;
  config: Config;
  git?: GitRepo;
  log?: StateLog;
  /**
   * The run ids the campaign plans. A sidecar for a run neither the state nor this set holds is
   * reported as unknown. Without it, only sidecars that lack the run's identity are reported: a
   * runner's first sidecar is how a new run enters the state.
   */
  knownRunIds?: ReadonlySet<string>;
}): Promise<DispatchStateRead> {
  const { cwd, config } = input;
  const warnings: string[] = [];
  const warn = (s: string) => {
    warnings.push(s);
    input.log?.warn(s);
  };
  const { state, recoveredFrom } = await readStateFile({ cwd, config, git: input.git, warn });
  const { sidecars, paths } = await readSidecars(cwd, config.dispatch_dir, warn);
  const known = input.knownRunIds;
  const merged = mergeIntoState(state?.experiments ?? [], sidecars, {
    dirs: config,
    knownRunIds: known,
  });
  if (merged.unknown.length > 0)
    warn(
      unknownSidecarsMessage(
        config,
        merged.unknown,
        known ? "the definitions" : "the sidecar itself",
      ),
    );
  return { entries: merged.entries, state, warnings, recoveredFrom, sidecars: paths };
}

/** The warning for sidecars of runs that neither the state nor `describer` describe. */
export function unknownSidecarsMessage(
  config: Pick<Config, "dispatch_dir">,
  unknown: readonly string[],
  describer: string,
): string {
  return `${unknown.length} sidecar(s) in ${config.dispatch_dir}/ name runs that neither ${statePath(config)} nor ${describer} describe (kept as their own entries, not deleted): ${preview(unknown)}`;
}

/** Writes the state atomically (temp file + rename), one entry per line. Returns the repo path. */
export async function writeDispatchState(input: {
  cwd: string;
  config: Config;
  project: string;
  entries: Iterable<StateEntry>;
  clock: () => Date;
}): Promise<string> {
  const rel = statePath(input.config);
  const state: DispatchState = {
    project: input.project,
    updated: input.clock().toISOString(),
    experiments: [...input.entries],
  };
  await writeAtomic(resolve(input.cwd, rel), serializeDispatchState(state));
  return rel;
}

async function recoverFromHead(git: GitRepo, rel: string, problem: string): Promise<DispatchState> {
  const fail = (why: string) =>
    new DispatchStateError(
      `${problem}\n  ${why}, so it cannot be recovered; it was left untouched.\n  fix: repair it by hand, or restore a good copy with \`git checkout <commit> -- ${rel}\`, or move it away (\`mv ${rel} ${rel}.bad\`) to start a fresh state from the sidecars.`,
    );
  let committed: string | undefined;
  try {
    committed = await readFileAtHead(git, rel);
  } catch (err) {
    throw fail(`reading it from git failed (${messageOf(err).trim()})`);
  }
  if (committed === undefined) throw fail("the last commit holds no copy of it");
  const parsed = parseDispatchState(`HEAD:${rel}`, committed);
  if (!parsed.ok) throw fail(`the last commit's copy is unreadable too (${parsed.message})`);
  return parsed.value;
}

/** Every readable sidecar in `dir` that names its own run; the others are warned about and skipped. */
export async function readSidecars(
  cwd: string,
  dir: string,
  warn: (s: string) => void,
): Promise<{ sidecars: Sidecar[]; paths: string[] }> {
  let names: string[];
  try {
    names = (await readdir(resolve(cwd, dir))).filter((n) => n.endsWith(SIDECAR_SUFFIX)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { sidecars: [], paths: [] };
    throw err;
  }
  const sidecars: Sidecar[] = [];
  const paths: string[] = [];
  const read = containedReader(cwd, MAX_SIDECAR_BYTES);
  // Bounded parallel reads: a dispatch of 10^5 runs leaves 10^5 sidecars.
  const BATCH = 64;
  for (let i = 0; i < names.length; i += BATCH) {
    const batch = names.slice(i, i + BATCH);
    const texts = await Promise.all(batch.map((n) => read(join(dir, n))));
    batch.forEach((name, j) => {
      const rel = join(dir, name);
      const got = texts[j] as ContainedRead;
      if (!got.ok) {
        // missing: removed between readdir and read
        if (got.code !== "missing") warn(`${got.message}; skipped.`);
        return;
      }
      const parsed = parseSidecar(rel, got.text);
      if (!parsed.ok) {
        warn(
          `${parsed.message}\n  skipped; the runner rewrites it at the run's next status change.`,
        );
        return;
      }
      const expected = name.slice(0, -SIDECAR_SUFFIX.length);
      // A sidecar speaks for the run its file name names, and for no other (docs/security.md).
      if (parsed.value.id !== expected) {
        warn(
          `${rel}: holds run "${parsed.value.id}", not "${expected}"; skipped: a sidecar is named after its run (\`dispatch/<run_id>.status.json\`), and the runner rewrites it at the run's next status change.`,
        );
        return;
      }
      sidecars.push(parsed.value);
      paths.push(rel);
    });
  }
  return { sidecars, paths };
}

function preview(ids: readonly string[], n = 5): string {
  return ids.length <= n
    ? ids.join(", ")
    : `${ids.slice(0, n).join(", ")} and ${ids.length - n} more`;
}
