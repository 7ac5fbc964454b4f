import { hostname } from "node:os";
import type { StateEntry } from "../../core/state/state-entry.js";
import { bootId, stillRunning } from "../../exec/process-tree.js";
import { readSidecars } from "../dispatch-state-store.js";
import { writeSidecar } from "./write-sidecar.js";

export const RUNNER_LOST = "runner lost (labgate was killed)";

export interface Reconciled {
  /** Runs whose sidecar said `running` though nothing runs them: now `failed`, RUNNER_LOST. */
  lost: string[];
  /** Runs whose process (or a process of its group) still runs, started by a killed labgate. */
  alive: { id: string; pid: number; started: string | null }[];
}

/**
 * Called with the run lock held, so no live labgate writes these sidecars: a sidecar that still
 * says `running` was left by a labgate that was killed (SIGKILL, a power cut, an OOM kill). Its
 * run is lost when its pid is gone, reused, from another boot or another host; it is `failed`
 * with RUNNER_LOST (an infrastructure failure: the next `labgate run` runs it again). A run whose
 * process still runs is reported, for the caller to refuse: starting it again would make two
 * writers of one checkpoint.
 */
export async function reconcileSidecars(input: {
  cwd: string;
  dispatchDir: string;
  now: Date;
  warn: (s: string) => void;
}): Promise<Reconciled> {
  const { sidecars } = await readSidecars(input.cwd, input.dispatchDir, input.warn);
  const here = hostname();
  const boot = await bootId();
  const out: Reconciled = { lost: [], alive: [] };
  for (const s of sidecars) {
    if (s.status !== "running") continue;
    const sameMachine = (s.host ?? here) === here && !(s.boot_id && boot && s.boot_id !== boot);
    if (
      sameMachine &&
      typeof s.pid === "number" &&
      s.pid > 0 &&
      (await stillRunning(s.pid, s.pid_start ?? null))
    ) {
      out.alive.push({ id: s.id, pid: s.pid, started: s.started ?? null });
      continue;
    }
    const { failure_kind: _none, ...left } = s;
    await writeSidecar(input.cwd, input.dispatchDir, {
      ...left,
      status: "failed",
      reason: RUNNER_LOST,
      finished: input.now.toISOString(),
    } as StateEntry);
    out.lost.push(s.id);
  }
  return out;
}

/** The refusal for runs a killed labgate left running: what to do about each. */
export function stillRunningMessage(alive: Reconciled["alive"]): string {
  const lines = alive.map(
    (a) =>
      `  ${a.id}: pid ${a.pid}${a.started ? `, started ${a.started}` : ""}; stop it with \`kill -TERM -${a.pid}\` (its whole process group)`,
  );
  return `runs started by a \`labgate run\` that was killed are still running; starting them again would run them twice:\n${lines.join("\n")}\n  Wait for each to end, or stop it; the next \`labgate run\` marks it failed (${RUNNER_LOST}) and runs it again.`;
}
