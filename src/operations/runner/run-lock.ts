import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";

export const RUN_LOCK = ".labgate/run.lock";

/** Another `labgate run` holds the repo. */
export class RunLockError extends Error {}

interface LockBody {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes `.labgate/run.lock` (created exclusively, holding our pid) so two `labgate run` in one
 * repo cannot write the same sidecars and results. A lock whose pid is dead on this host is
 * stale (a crashed or killed run) and is taken over. Returns the release function.
 */
export async function acquireRunLock(cwd: string, now: Date): Promise<() => Promise<void>> {
  const path = resolve(cwd, RUN_LOCK);
  await mkdir(dirname(path), { recursive: true });
  const body: LockBody = { pid: process.pid, host: hostname(), started: now.toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${JSON.stringify(body)}\n`, { flag: "wx" });
      return async () => {
        const held = await readLock(path);
        if (held?.pid === process.pid) await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const held = await readLock(path);
    if (held && held.host === hostname() && isAlive(held.pid))
      throw new RunLockError(
        `another \`labgate run\` (pid ${held.pid}, started ${held.started}) is running in this repository.\n  Wait for it to finish, or stop it with Ctrl+C (\`kill -INT ${held.pid}\`); its finished runs are kept and a new \`labgate run\` resumes the rest.`,
      );
    if (held && held.host !== hostname())
      throw new RunLockError(
        `${RUN_LOCK} is held by pid ${held.pid} on host ${held.host} (started ${held.started}); this checkout seems shared between machines.\n  If no run is active there, delete ${RUN_LOCK} and try again.`,
      );
    // stale (its process is gone) or unreadable: take it over
    await rm(path, { force: true });
  }
  throw new RunLockError(`could not take ${RUN_LOCK}; delete it if no \`labgate run\` is active`);
}

async function readLock(path: string): Promise<LockBody | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<LockBody>;
    if (typeof parsed.pid !== "number") return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? hostname()),
      started: String(parsed.started ?? "?"),
    };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
