import { randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bootId, processAlive, processStart } from "../../exec/process-tree.js";

export const RUN_LOCK = ".labgate/run.lock";

/**
 * The lock was not taken: `held` (another live `labgate run`), `interrupted-takeover` (a
 * contender died while replacing a stale lock), `contended` (it changed hands too often to read).
 */
export class RunLockError extends Error {
  constructor(
    readonly code: "held" | "interrupted-takeover" | "contended",
    message: string,
  ) {
    super(message);
  }
}

/** What the lock file says: who holds it, and a nonce naming this one lock. */
interface LockBody {
  pid: number;
  host: string;
  boot_id: string | null;
  /** The holder's start time (clock ticks after boot), so a reused pid is not mistaken for it. */
  pid_start: number | null;
  started: string;
  nonce: string;
}

export interface RunLock {
  release(): Promise<void>;
  /** Set when a stale lock was taken over: whose it was, for a warning. */
  tookOver: string | null;
}

/**
 * Takes `.labgate/run.lock` so two `labgate run` in one repo cannot write the same sidecars and
 * results. Exactly one contender wins, however many start at once:
 * - the lock appears whole or not at all: it is written to a temp file and hard-linked into place
 *   (`link` fails if the lock exists, like `open(..., 'wx')`, and no reader sees it half written);
 * - a stale lock (its pid is dead or belongs to another boot, or it was written on another host)
 *   is replaced only by the contender that creates `run.lock.takeover.<that lock's nonce>`
 *   (create-exclusive, once per stale lock) and still finds that same lock in place; it then
 *   renames its own lock over it. Everyone else reads the new lock and is refused.
 */
export async function acquireRunLock(cwd: string, now: Date): Promise<RunLock> {
  const path = resolve(cwd, RUN_LOCK);
  await mkdir(dirname(path), { recursive: true });
  const body: LockBody = {
    pid: process.pid,
    host: hostname(),
    boot_id: await bootId(),
    pid_start: await processStart(process.pid),
    started: now.toISOString(),
    nonce: randomUUID(),
  };
  const tmp = `${path}.${body.nonce}.tmp`;
  await writeFile(tmp, `${JSON.stringify(body)}\n`);
  const held: RunLock = {
    tookOver: null,
    release: async () => {
      if ((await readLock(path))?.body?.nonce === body.nonce) await rm(path, { force: true });
    },
  };
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await link(tmp, path);
        return held;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const found = await readLock(path);
      if (!found) continue; // released meanwhile: try again
      const verdict = await judge(found, body);
      if (verdict.kind === "live") throw new RunLockError("held", verdict.message);
      if (verdict.kind === "wait") {
        await sleep(20);
        continue;
      }
      const claim = `${path}.takeover.${found.generation}`;
      try {
        await (await open(claim, "wx")).close();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        // another contender is replacing this stale lock; read what it put there
        if (await olderThan(claim, 10_000))
          throw new RunLockError(
            "interrupted-takeover",
            `a takeover of the stale ${RUN_LOCK} was interrupted (${claim} is left over).\n  If no \`labgate run\` is active, delete ${RUN_LOCK} and ${RUN_LOCK}.takeover.* and try again.`,
          );
        await sleep(10);
        continue;
      }
      try {
        // Only the lock this claim names may be replaced: a later one is someone's live lock.
        if ((await readLock(path))?.generation !== found.generation) continue;
        await rename(tmp, path);
        held.tookOver = verdict.whose;
        return held;
      } finally {
        await rm(claim, { force: true });
      }
    }
  } finally {
    await rm(tmp, { force: true });
  }
  throw new RunLockError(
    "contended",
    `could not take ${RUN_LOCK}; delete it if no \`labgate run\` is active`,
  );
}

type Verdict =
  | { kind: "live"; message: string }
  | { kind: "stale"; whose: string }
  /** Unreadable and fresh: an older labgate may be writing it still. */
  | { kind: "wait" };

async function judge(found: FoundLock, me: LockBody): Promise<Verdict> {
  const held = found.body;
  if (!held)
    return found.ageMs < 2000
      ? { kind: "wait" }
      : { kind: "stale", whose: `an unreadable ${RUN_LOCK}` };
  const whose = `pid ${held.pid} on ${held.host}, started ${held.started}`;
  if (held.host !== me.host)
    return { kind: "stale", whose: `${whose} (another machine, or an earlier container)` };
  if (held.boot_id && me.boot_id && held.boot_id !== me.boot_id)
    return { kind: "stale", whose: `${whose} (before a reboot)` };
  if (!(await processAlive(held.pid, held.pid_start)))
    return { kind: "stale", whose: `${whose} (no longer running)` };
  return {
    kind: "live",
    message: `another \`labgate run\` (pid ${held.pid}, started ${held.started}) is running in this repository.\n  Wait for it to finish, or stop it with Ctrl+C (\`kill -INT ${held.pid}\`); its finished runs are kept and a new \`labgate run\` resumes the rest.`,
  };
}

interface FoundLock {
  body: LockBody | null;
  /** Names this one lock file: its nonce, or (an older labgate's lock) its inode and times. */
  generation: string;
  ageMs: number;
}

async function readLock(path: string): Promise<FoundLock | undefined> {
  let text: string;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const fallback = `${st.ino}-${Math.round(st.mtimeMs * 1000)}-${st.size}`;
  const ageMs = Date.now() - st.mtimeMs;
  try {
    const p = JSON.parse(text) as Partial<LockBody>;
    if (typeof p.pid !== "number") return { body: null, generation: fallback, ageMs };
    const body: LockBody = {
      pid: p.pid,
      host: String(p.host ?? hostname()),
      boot_id: typeof p.boot_id === "string" ? p.boot_id : null,
      pid_start: typeof p.pid_start === "number" ? p.pid_start : null,
      started: String(p.started ?? "?"),
      nonce: typeof p.nonce === "string" && /^[\w-]+$/.test(p.nonce) ? p.nonce : fallback,
    };
    return { body, generation: body.nonce, ageMs };
  } catch {
    return { body: null, generation: fallback, ageMs };
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}
