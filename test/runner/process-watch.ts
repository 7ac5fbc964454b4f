import { existsSync, readFileSync } from "node:fs";
import { afterEach } from "vitest";

/** Pids the fixture scripts appended to `file`. */
export function pidsIn(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
}

/** Whether `pid` is a live process (an unreaped zombie holds nothing and counts as gone). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/**
 * Pids a test pushes here are SIGKILLed after it, so whatever a failing test leaves behind cannot
 * disturb the next one. Call once per test file.
 */
export function killedAfterEach(): number[] {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0))
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
  });
  return started;
}
