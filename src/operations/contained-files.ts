import { constants } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  open,
  readlink,
  realpath,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { type Config, DEFAULT_CONFIG } from "../core/config/config-schema.js";

/**
 * The largest result file labgate reads (and commits): `max_result_file_mb` of the config (default
 * 16 MiB). A result file holds metrics and a little metadata; anything near this size is a mistake
 * (a checkpoint written to the wrong path) or an attempt to make the results commit carry
 * something else. GitHub refuses files over 100 MB in a push, so the config caps it under that.
 */
export function resultFileCap(config: Pick<Config, "max_result_file_mb">): number {
  return Math.floor(config.max_result_file_mb * 1024 * 1024);
}

/** The cap of the default config, for readers that have no config at hand. */
export const MAX_RESULT_FILE_BYTES = resultFileCap(DEFAULT_CONFIG);

/** What a refusal for size says, so the user knows the cap is theirs to raise. */
export const RESULT_CAP_HINT =
  "a result file holds metrics and a little metadata; write checkpoints to {checkpoint_dir}, or raise max_result_file_mb in .github/labgate.yml";

/** The largest `dispatch/state.json` read: about Node's longest string, so no readable state is refused. */
export const MAX_STATE_FILE_BYTES = 512 * 1024 * 1024;

/** The largest sidecar read: one run's entry is about a kilobyte. */
export const MAX_SIDECAR_BYTES = 1024 * 1024;

export type ContainedRead =
  | { ok: true; text: string }
  | {
      ok: false;
      /**
       * missing: no such file. outside-root: the path, or a directory on it, leads out of its root.
       * not-a-file: a symbolic link, a directory, a FIFO... too-large: over the cap.
       */
      code: "missing" | "outside-root" | "not-a-file" | "too-large";
      message: string;
    };

/**
 * Reads files under one root the way data a PR or a run wrote must be read (docs/security.md,
 * "Paths come from the plan"): the path must resolve inside `root` (no `..` out of it, no
 * absolute path, no directory on the way that is a symbolic link leading elsewhere), the file
 * must be a regular file (`O_NOFOLLOW`: a symbolic link is refused, not followed) and at most
 * `maxBytes`. One reader per root: it remembers the directories it has resolved, so reading 10^5
 * result files in one folder resolves that folder once.
 */
export function containedReader(root: string, maxBytes: number) {
  const absRoot = resolve(root);
  let realRoot: Promise<string> | undefined;
  const realDirs = new Map<string, Promise<string | undefined>>();
  const realDir = (dir: string) => {
    let p = realDirs.get(dir);
    if (!p) {
      p = realpath(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT" && err.code !== "ENOTDIR") throw err;
        realDirs.delete(dir); // it may exist at the next read
        return undefined;
      });
      realDirs.set(dir, p);
    }
    return p;
  };
  async function openFile(rel: string): Promise<ContainedOpen> {
    const abs = resolve(absRoot, rel);
    if (isAbsolute(rel) || !isInside(absRoot, abs))
      return {
        ok: false,
        code: "outside-root",
        message: `${rel}: lies outside ${absRoot}; only files under it are read`,
      };
    realRoot ??= realpath(absRoot);
    const [rootReal, dirReal] = await Promise.all([realRoot, realDir(dirname(abs))]);
    if (dirReal === undefined)
      return { ok: false, code: "missing", message: `${rel}: no such file` };
    if (dirReal !== rootReal && !isInside(rootReal, dirReal))
      return {
        ok: false,
        code: "outside-root",
        message: `${rel}: its folder is a symbolic link to ${dirReal}, outside ${absRoot}; not read`,
      };
    let handle: import("node:fs/promises").FileHandle;
    try {
      // O_NONBLOCK: a FIFO planted at the path must not hang the reader until a writer comes.
      handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { ok: false, code: "missing", message: `${rel}: no such file` };
      if (code === "ELOOP")
        return {
          ok: false,
          code: "not-a-file",
          message: `${rel}: is a symbolic link, not a file (a link is never followed)`,
        };
      throw err;
    }
    let stat: import("node:fs").Stats;
    try {
      stat = await handle.stat();
    } catch (err) {
      await handle.close();
      throw err;
    }
    const refused: ContainedOpen | undefined = !stat.isFile()
      ? {
          ok: false,
          code: "not-a-file",
          message: `${rel}: is ${stat.isDirectory() ? "a directory" : "not a regular file"}, not a file`,
        }
      : stat.size > maxBytes
        ? {
            ok: false,
            code: "too-large",
            message: `${rel}: is ${stat.size} bytes, over the ${maxBytes}-byte limit`,
          }
        : undefined;
    if (!refused) return { ok: true, handle };
    await handle.close();
    return refused;
  }
  async function read(rel: string): Promise<ContainedRead> {
    const opened = await openFile(rel);
    if (!opened.ok) return opened;
    const { handle } = opened;
    try {
      const text = await handle.readFile("utf8");
      if (Buffer.byteLength(text) > maxBytes)
        return {
          ok: false,
          code: "too-large",
          message: `${rel}: grew over the ${maxBytes}-byte limit while it was read`,
        };
      return { ok: true, text };
    } finally {
      await handle.close();
    }
  }
  // `open`: the same checks, and the open regular file for a caller that streams it (the caller
  // closes the handle); the read itself is the function.
  return Object.assign(read, { open: openFile });
}

/** A file opened by `containedReader(...).open`, or why it was not (as `ContainedRead`). */
export type ContainedOpen =
  | { ok: true; handle: import("node:fs/promises").FileHandle }
  | Extract<ContainedRead, { ok: false }>;

export type ContainedReader = ReturnType<typeof containedReader>;

/** True when `path` (absolute, resolved) lies strictly below `root` (absolute, resolved). */
export function isInside(root: string, path: string): boolean {
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return path.startsWith(prefix);
}

export type ContainedWrite = { ok: true } | { ok: false; code: "outside-root"; message: string };

/**
 * Writes `text` to `rel` under `root` only where it stays under `root`: the path does not climb
 * out, and no folder on the way is a symbolic link leading elsewhere (checked before any folder
 * is created). The file goes to a temp file and is renamed over `rel`, so a symbolic link planted
 * at `rel` is replaced, never written through. `mode`: the file's permissions (a script: 0o755).
 */
export async function writeContained(
  root: string,
  rel: string,
  text: string,
  options: { mode?: number } = {},
): Promise<ContainedWrite> {
  const absRoot = resolve(root);
  const abs = resolve(absRoot, rel);
  const outside = (where: string): ContainedWrite => ({
    ok: false,
    code: "outside-root",
    message: `${rel}: ${where}, outside ${absRoot}; not written`,
  });
  if (isAbsolute(rel) || !isInside(absRoot, abs)) return outside("lies");
  const outsideAt = await folderEscape(absRoot, dirname(abs));
  if (outsideAt) return outside(`a folder on its path resolves to ${outsideAt}`);
  await mkdir(dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.${tmpSeq++}.tmp`;
  try {
    await writeFile(tmp, text, { flag: "wx" });
    // on the temp file, which is ours: the umask does not trim it, and no link is followed
    if (options.mode !== undefined) await chmod(tmp, options.mode);
    await rename(tmp, abs);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { ok: true };
}

let tmpSeq = 0;

/**
 * Why files may not be written under the folder `rel` of `root`, or undefined when they may: the
 * folder (or, while it does not exist, its nearest existing ancestor) must resolve inside `root`.
 * A folder committed as a symbolic link (`experiments/results -> /home/...`) would make every
 * write below it land outside the repository.
 */
export async function containedDirProblem(root: string, rel: string): Promise<string | undefined> {
  const absRoot = resolve(root);
  const abs = resolve(absRoot, rel);
  if (isAbsolute(rel) || (abs !== absRoot && !isInside(absRoot, abs)))
    return `${rel}: lies outside ${absRoot}`;
  const outsideAt = await folderEscape(absRoot, abs);
  return outsideAt
    ? `${rel}: resolves to ${outsideAt}, outside ${absRoot} (a symbolic link)`
    : undefined;
}

/**
 * Why the file `rel` may not be written under `root`, or undefined when it may: it lies outside,
 * a folder on its path resolves outside `root` (a symbolic link), or the path itself is a
 * symbolic link or not a regular file. For writers that refuse a link rather than replace it,
 * as `labgate init` does in a repository that others committed to.
 */
export async function containedTargetProblem(
  root: string,
  rel: string,
): Promise<string | undefined> {
  const absRoot = resolve(root);
  const abs = resolve(absRoot, rel);
  if (isAbsolute(rel) || !isInside(absRoot, abs)) return `${rel}: lies outside ${absRoot}`;
  const outsideAt = await folderEscape(absRoot, dirname(abs));
  if (outsideAt)
    return `${rel}: a folder on its path is a symbolic link to ${outsideAt}, outside ${absRoot}`;
  const stat = await lstat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (stat?.isSymbolicLink())
    return `${rel}: is a symbolic link (to ${await readlink(abs)}); a link is never written through`;
  if (stat && !stat.isFile())
    return `${rel}: is ${stat.isDirectory() ? "a directory" : "not a regular file"}, not a file`;
  return undefined;
}

/** The real path `dir` (or its nearest existing ancestor) has when it is outside `root`. */
async function folderEscape(root: string, dir: string): Promise<string | undefined> {
  const rootReal = await realpath(root);
  const existing = await nearestExisting(dir);
  return existing === rootReal || isInside(rootReal, existing) ? undefined : existing;
}

/** The real path of `dir`, or of its nearest ancestor that exists. */
async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      return await realpath(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(d) === d) throw err;
    }
  }
}
